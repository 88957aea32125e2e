package dev.switchboard.catalog.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * JSON numbers with a fraction are read as BigDecimal, not double: prices have up to 18 significant digits
 * ({@code NUMERIC(18, 6)}), and a double would round {@code 999999999999.999999} to 10<sup>12</sup> before any
 * bound is checked.
 */
@Singleton
public class ExactDecimals implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }
}

package dev.switchboard.auth.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * JSON numbers with a fraction are read as BigDecimal, not double: money fields have up to 20 significant
 * digits ({@code NUMERIC(20, 8)}), and a double would round {@code 999999999999.99999999} to 10<sup>12</sup>
 * before any bound is checked.
 */
@Singleton
public class ExactDecimals implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }
}

package dev.switchboard.contracts.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * The user embedded in a key snapshot.
 *
 * @param status active | disabled
 * @param role user | admin
 * @param balanceUsd prepaid balance; null = not metered by balance
 * @param concurrency max concurrent requests; null = unlimited
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UserSnapshot(
        long id,
        String name,
        String status,
        String role,
        BigDecimal balanceUsd,
        Integer concurrency,
        long version) {
}

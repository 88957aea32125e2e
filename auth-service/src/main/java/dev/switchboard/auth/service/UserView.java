package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.UserEntity;
import java.math.BigDecimal;
import java.time.Instant;

/** A user as the management API shows it. */
public record UserView(long id, String name, String email, String status, String role, BigDecimal balanceUsd,
        Integer concurrency, long version, Instant createdAt) {

    static UserView of(UserEntity u) {
        return new UserView(u.id, u.name, u.email, u.status, u.role, u.balanceUsd, u.concurrency, u.version, u.createdAt);
    }
}

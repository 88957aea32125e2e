package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import java.math.BigDecimal;
import java.time.Instant;

/** A tenant user: owns API keys, carries a prepaid balance and a concurrency limit. */
@Entity
@DynamicUpdate
@Table(schema = "auth", name = "users")
public class UserEntity {
    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "users_seq")
    @SequenceGenerator(name = "users_seq", schema = "auth", sequenceName = "users_seq", allocationSize = 50)
    public Long id;
    public String name;
    public String email;
    public String status;
    public String role;
    @Column(name = "balance_usd")
    public BigDecimal balanceUsd;
    public Integer concurrency;
    public long version;
    /** Optimistic lock ({@code service/Writes}); not the snapshot version. */
    @jakarta.persistence.Version
    @Column(name = "row_version")
    public long rowVersion;
    @Column(name = "created_at")
    public Instant createdAt;
}

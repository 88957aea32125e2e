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

/**
 * A group of keys sharing limits, allowed models and a model routing map. List and map columns are
 * JSON text converted by the service layer, which keeps the operator's order of routing patterns.
 */
@Entity
@DynamicUpdate
@Table(schema = "auth", name = "groups")
public class GroupEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "groups_seq")
    @SequenceGenerator(name = "groups_seq", schema = "auth", sequenceName = "groups_seq", allocationSize = 50)
    public Long id;
    public String name;
    public String platform;
    public String status;
    @Column(name = "subscription_type")
    public String subscriptionType;
    @Column(name = "rate_multiplier")
    public BigDecimal rateMultiplier;
    @Column(name = "daily_limit_usd")
    public BigDecimal dailyLimitUsd;
    @Column(name = "weekly_limit_usd")
    public BigDecimal weeklyLimitUsd;
    @Column(name = "monthly_limit_usd")
    public BigDecimal monthlyLimitUsd;
    @Column(name = "allowed_models")
    public String allowedModelsJson;
    @Column(name = "fallback_group_id")
    public Long fallbackGroupId;
    @Column(name = "model_routing")
    public String modelRoutingJson;
    @Column(name = "model_routing_enabled")
    public boolean modelRoutingEnabled;
    public long version;
    /** Optimistic lock ({@code service/Writes}); not the snapshot version. */
    @jakarta.persistence.Version
    @Column(name = "row_version")
    public long rowVersion;
    @Column(name = "created_at")
    public Instant createdAt;
}

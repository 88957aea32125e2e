package dev.switchboard.catalog.entity;

import dev.switchboard.contracts.catalog.FailoverRule;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One operator failover rule of a provider, stored in list order. */
@Embeddable
public class FailoverRuleValue {

    public Integer status;

    @Column(name = "body_contains")
    public String bodyContains;

    public String action;

    public String scope;

    @Column(name = "cooldown_seconds")
    public Long cooldownSeconds;

    public String reason;

    public FailoverRule toContract() {
        return new FailoverRule(status, bodyContains, action, scope, cooldownSeconds, reason);
    }
}

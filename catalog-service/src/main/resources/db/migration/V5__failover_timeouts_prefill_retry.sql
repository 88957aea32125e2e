-- Issue 12: first-token timeout per provider, prefill flag per model, same-candidate retry per pool,
-- and operator rule cooldowns bounded to one day (longer ones are clamped first so the check holds).

ALTER TABLE provider ADD COLUMN first_token_timeout_ms integer NOT NULL DEFAULT 30000
    CHECK (first_token_timeout_ms > 0);

-- null = the protocol's default (on for anthropic, off otherwise)
ALTER TABLE model ADD COLUMN prefill boolean;

ALTER TABLE pool ADD COLUMN same_candidate_retry boolean NOT NULL DEFAULT true;

UPDATE provider_failover_rule SET cooldown_seconds = 86400 WHERE cooldown_seconds > 86400;
ALTER TABLE provider_failover_rule ADD CONSTRAINT provider_failover_rule_cooldown_bounded
    CHECK (cooldown_seconds IS NULL OR (cooldown_seconds > 0 AND cooldown_seconds <= 86400));

-- Every change to a key, user or group takes its new version from this one sequence, so a key
-- snapshot's version (max of the versions it embeds) grows with any change to any of them.
CREATE SEQUENCE auth.version_seq START WITH 1 INCREMENT BY 1;

CREATE SEQUENCE auth.users_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE auth.groups_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE auth.api_keys_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE auth.users (
    id          BIGINT PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    email       VARCHAR(320) NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    balance_usd NUMERIC(20, 8),
    concurrency INTEGER,
    version     BIGINT       NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL
);
CREATE UNIQUE INDEX users_email_uq ON auth.users (email);

CREATE TABLE auth.groups (
    id                    BIGINT PRIMARY KEY,
    name                  VARCHAR(200) NOT NULL,
    platform              VARCHAR(16)  NOT NULL,
    status                VARCHAR(16)  NOT NULL,
    subscription_type     VARCHAR(64)  NOT NULL,
    rate_multiplier       NUMERIC(12, 6) NOT NULL,
    daily_limit_usd       NUMERIC(20, 8),
    weekly_limit_usd      NUMERIC(20, 8),
    monthly_limit_usd     NUMERIC(20, 8),
    -- JSON text (not jsonb) so the operator's order of routing patterns is kept as written
    allowed_models        VARCHAR       NOT NULL,
    fallback_group_id     BIGINT REFERENCES auth.groups (id),
    model_routing         VARCHAR       NOT NULL,
    model_routing_enabled BOOLEAN      NOT NULL,
    version               BIGINT       NOT NULL,
    created_at            TIMESTAMPTZ  NOT NULL
);
CREATE UNIQUE INDEX groups_name_uq ON auth.groups (name);

CREATE TABLE auth.api_keys (
    id           BIGINT PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    user_id      BIGINT       NOT NULL REFERENCES auth.users (id),
    group_id     BIGINT       NOT NULL REFERENCES auth.groups (id),
    key_hash     VARCHAR(64)   NOT NULL,
    key_prefix   VARCHAR(16)  NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    expires_at   TIMESTAMPTZ,
    ip_allow     VARCHAR       NOT NULL,
    ip_deny      VARCHAR       NOT NULL,
    rpm_limit    INTEGER,
    last_used_at TIMESTAMPTZ,
    version      BIGINT       NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL
);
CREATE UNIQUE INDEX api_keys_hash_uq ON auth.api_keys (key_hash);
CREATE INDEX api_keys_user_idx ON auth.api_keys (user_id);
CREATE INDEX api_keys_group_idx ON auth.api_keys (group_id);

CREATE TABLE auth.usage_ledger (
    request_id        VARCHAR(128) PRIMARY KEY,
    ts                TIMESTAMPTZ  NOT NULL,
    api_key_id        BIGINT       NOT NULL,
    user_id           BIGINT       NOT NULL,
    group_id          BIGINT       NOT NULL,
    requested_model   VARCHAR(256),
    resolved_via      VARCHAR(256),
    provider          VARCHAR(256),
    upstream_model    VARCHAR(256),
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    cost_usd          NUMERIC(20, 8) NOT NULL,
    status            INTEGER      NOT NULL,
    attempts          INTEGER      NOT NULL,
    latency_ms        BIGINT       NOT NULL,
    ttfb_ms           BIGINT
);
CREATE INDEX usage_ledger_ts_idx ON auth.usage_ledger (ts);

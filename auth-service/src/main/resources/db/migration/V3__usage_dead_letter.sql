-- Usage messages the ledger could not settle after switchboard.ledger.max-attempts tries, or that can
-- never be settled (not a usage event, a field outside the ledger's columns). Kept for an operator to
-- inspect and replay; the stream entry itself is acknowledged.
CREATE TABLE auth.usage_dead_letter (
    message_id VARCHAR(64)  PRIMARY KEY,
    usage_id   VARCHAR(64),
    payload    TEXT,
    reason     VARCHAR(512) NOT NULL,
    attempts   INTEGER      NOT NULL,
    failed_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX usage_dead_letter_failed_at_idx ON auth.usage_dead_letter (failed_at);

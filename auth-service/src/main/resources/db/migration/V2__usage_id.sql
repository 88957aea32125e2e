-- The ledger's idempotency key is the relay-drawn usage id; the client's x-request-id stays in
-- request_id for correlation only (any number of rows may share it).
ALTER TABLE auth.usage_ledger ADD COLUMN usage_id VARCHAR(64);
UPDATE auth.usage_ledger SET usage_id = request_id WHERE usage_id IS NULL;
ALTER TABLE auth.usage_ledger ALTER COLUMN usage_id SET NOT NULL;
ALTER TABLE auth.usage_ledger DROP CONSTRAINT usage_ledger_pkey;
ALTER TABLE auth.usage_ledger ADD CONSTRAINT usage_ledger_pkey PRIMARY KEY (usage_id);
CREATE INDEX usage_ledger_request_id_idx ON auth.usage_ledger (request_id);

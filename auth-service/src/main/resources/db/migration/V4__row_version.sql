-- Optimistic locking of management writes (@Version): the later of two concurrent writers of a row gets
-- 409 instead of writing back what it read. Separate from `version` (snapshot versions, auth.version_seq).
ALTER TABLE auth.users ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth.groups ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth.api_keys ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;

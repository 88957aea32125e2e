-- Bench catalog: 200 providers (25 models, 2 keys, 1 header, 2 failover rules each), 5 000 models,
-- 1 000 pools (3 members each), 200 clusters (4 pools + 1 model each), 10 000 routes.
-- Runs against the bench database after catalog-service's Flyway migration created schema "catalog".
SET search_path = catalog;

INSERT INTO provider (id, name, protocol, base_url, enabled, connect_timeout_ms, first_byte_timeout_ms, idle_timeout_ms)
SELECT i, 'provider-' || i, CASE WHEN i % 2 = 0 THEN 'openai' ELSE 'anthropic' END,
       'https://provider-' || i || '.example.com', true, 5000, 60000, 60000
FROM generate_series(1, 200) i;

INSERT INTO provider_header (provider_id, header_name, header_value)
SELECT i, 'x-org', 'org-' || i FROM generate_series(1, 200) i;

INSERT INTO provider_failover_rule (provider_id, position, status, body_contains, action, scope, cooldown_seconds, reason)
SELECT i, 0, 400, 'overloaded', 'retry', 'provider_model', 30, 'overloaded_400' FROM generate_series(1, 200) i
UNION ALL
SELECT i, 1, 403, 'region', 'stop', 'none', NULL, 'geo_block' FROM generate_series(1, 200) i;

-- ciphertext-shaped values (the snapshot copies them; nothing is decrypted while publishing)
INSERT INTO provider_key (provider_id, label, secret_ciphertext, last4, rpm, tpm, weight, enabled)
SELECT i, 'key-' || k, 'bench:' || md5(i || '-' || k) || md5(k || '-' || i) || md5('x' || i), 'ab' || k || k,
       3000, 1000000, 1, true
FROM generate_series(1, 200) i, generate_series(1, 2) k;

INSERT INTO model (id, provider_id, name, upstream_name, context_window, input_price_per_mtok, output_price_per_mtok, enabled)
SELECT j + 1, j / 25 + 1, 'model-' || j, 'upstream-model-' || j, 128000, 2.5, 10, true
FROM generate_series(0, 4999) j;

INSERT INTO pool (id, name, strategy, enabled)
SELECT i + 1, 'pool-' || i, (ARRAY['priority', 'round_robin', 'weighted', 'quota_aware'])[i % 4 + 1], true
FROM generate_series(0, 999) i;

INSERT INTO pool_member (pool_id, model_id, priority, weight, enabled)
SELECT i + 1, ((i * 5 + k * 1667) % 5000) + 1, k, k + 1, true
FROM generate_series(0, 999) i, generate_series(0, 2) k;

INSERT INTO cluster (id, name, enabled)
SELECT i + 1, 'cluster-' || i, true FROM generate_series(0, 199) i;

INSERT INTO cluster_member (cluster_id, position, pool_id, model_name)
SELECT i + 1, k, ((i * 5 + k) % 1000) + 1, NULL FROM generate_series(0, 199) i, generate_series(0, 3) k
UNION ALL
SELECT i + 1, 4, NULL, 'model-' || (i * 25) FROM generate_series(0, 199) i;

INSERT INTO route (pattern, target_provider_id, target_pool_id, target_cluster_id, priority, enabled)
SELECT 'bench-' || r || '-*',
       CASE WHEN r % 3 = 0 THEN r % 200 + 1 END,
       CASE WHEN r % 3 = 1 THEN r % 1000 + 1 END,
       CASE WHEN r % 3 = 2 THEN r % 200 + 1 END,
       100 + r % 7, true
FROM generate_series(0, 9999) r;

SELECT setval(pg_get_serial_sequence('catalog.provider', 'id'), 200);
SELECT setval(pg_get_serial_sequence('catalog.model', 'id'), 5000);
SELECT setval(pg_get_serial_sequence('catalog.pool', 'id'), 1000);
SELECT setval(pg_get_serial_sequence('catalog.cluster', 'id'), 200);

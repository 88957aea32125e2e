-- Before contracts' Cidr, an IPv4-mapped block was stored as its IPv4 address with the IPv6 prefix
-- (::ffff:10.0.0.0/104 as 10.0.0.0/104, ::ffff:10.0.0.1 as 10.0.0.1/128), a rule the relay dropped. An IPv4
-- entry with a prefix of 96 to 128 is rewritten to its IPv4 block (prefix - 96, host bits masked: 10.0.0.0/8),
-- duplicates dropped, first position kept. Prefixes 33 to 95 came from a mapped block wider than the mapped
-- range, which has no IPv4 equivalent: they stay as written and the relay refuses the key (ip_rules_unusable)
-- until an operator rewrites its lists (auth-service README, "IP rules"). A rewritten key takes a new version,
-- so POST /admin/snapshots/rebuild replaces its snapshot in Redis and the relays' copies.
-- nested CASE: PostgreSQL does not promise to evaluate AND left to right, and the cast needs the pattern
CREATE FUNCTION pg_temp.is_mapped_ip_rule(rule TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN rule ~ '^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,3}$'
        THEN split_part(rule, '/', 2)::int BETWEEN 96 AND 128 ELSE false END
$$;

CREATE FUNCTION pg_temp.unmap_ip_rules(rules VARCHAR) RETURNS VARCHAR LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(rule ORDER BY first), '[]'::jsonb)::text
    FROM (
        SELECT rule, min(ord) AS first
        FROM (
            SELECT ord, CASE WHEN pg_temp.is_mapped_ip_rule(e)
                THEN network(set_masklen(split_part(e, '/', 1)::inet, split_part(e, '/', 2)::int - 96))::text
                ELSE e END AS rule
            FROM jsonb_array_elements_text(rules::jsonb) WITH ORDINALITY AS t(e, ord)
        ) mapped
        GROUP BY rule
    ) deduplicated
$$;

CREATE FUNCTION pg_temp.has_mapped_ip_rule(rules VARCHAR) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM jsonb_array_elements_text(rules::jsonb) AS t(e) WHERE pg_temp.is_mapped_ip_rule(e))
$$;

UPDATE auth.api_keys
SET ip_allow = pg_temp.unmap_ip_rules(ip_allow),
    ip_deny = pg_temp.unmap_ip_rules(ip_deny),
    version = nextval('auth.version_seq')
WHERE pg_temp.has_mapped_ip_rule(ip_allow) OR pg_temp.has_mapped_ip_rule(ip_deny);

DROP FUNCTION pg_temp.has_mapped_ip_rule(VARCHAR);
DROP FUNCTION pg_temp.unmap_ip_rules(VARCHAR);
DROP FUNCTION pg_temp.is_mapped_ip_rule(TEXT);

package dev.switchboard.auth.repository;

import dev.switchboard.contracts.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.Session;

/**
 * The usage ledger table: one row per finished request, written idempotently by usage id. A batch is
 * written with one statement per kind of change (the rows as {@code unnest} of column arrays, so the
 * statement text and its plan do not depend on the batch size), in the caller's transaction.
 */
@ApplicationScoped
public class LedgerRepository {

    private final EntityManager em;

    public LedgerRepository(EntityManager em) {
        this.em = em;
    }

    /** One message to settle: its ledger key and its event. */
    public record Row(String usageId, UsageEvent event) {
    }

    /** A row the batch insert actually wrote (not a duplicate). */
    public record Inserted(String usageId, long userId, long apiKeyId, BigDecimal costUsd, Instant at) {
    }

    /** @return true when the row was inserted, false when the usage id was already recorded */
    public boolean insert(String usageId, UsageEvent e) {
        return !insertAll(List.of(new Row(usageId, e))).isEmpty();
    }

    /**
     * Inserts every row whose usage id is not yet recorded ({@code ON CONFLICT DO NOTHING}), duplicates
     * inside the batch included, with one statement.
     *
     * @return the rows that were new
     */
    public List<Inserted> insertAll(List<Row> rows) {
        int n = rows.size();
        String[] usageIds = new String[n];
        String[] requestIds = new String[n];
        Timestamp[] ts = new Timestamp[n];
        Long[] keyIds = new Long[n];
        Long[] userIds = new Long[n];
        Long[] groupIds = new Long[n];
        String[] requested = new String[n];
        String[] via = new String[n];
        String[] provider = new String[n];
        String[] upstream = new String[n];
        Long[] prompt = new Long[n];
        Long[] completion = new Long[n];
        BigDecimal[] cost = new BigDecimal[n];
        Integer[] status = new Integer[n];
        Integer[] attempts = new Integer[n];
        Long[] latency = new Long[n];
        Long[] ttfb = new Long[n];
        for (int i = 0; i < n; i++) {
            UsageEvent e = rows.get(i).event();
            usageIds[i] = rows.get(i).usageId();
            requestIds[i] = e.requestId();
            ts[i] = Timestamp.from(Instant.ofEpochMilli(e.timestampMs()));
            keyIds[i] = e.apiKeyId();
            userIds[i] = e.userId();
            groupIds[i] = e.groupId();
            requested[i] = e.requestedModel();
            via[i] = e.resolvedVia();
            provider[i] = e.provider();
            upstream[i] = e.upstreamModel();
            prompt[i] = e.promptTokens();
            completion[i] = e.completionTokens();
            cost[i] = e.costUsd() == null ? BigDecimal.ZERO : e.costUsd();
            status[i] = e.status();
            attempts[i] = e.attempts();
            latency[i] = e.latencyMs();
            ttfb[i] = e.ttfbMs();
        }
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO auth.usage_ledger (usage_id, request_id, ts, api_key_id, user_id, group_id, requested_model,
                        resolved_via, provider, upstream_model, prompt_tokens, completion_tokens, cost_usd, status,
                        attempts, latency_ms, ttfb_ms)
                    SELECT * FROM unnest(?::varchar[], ?::varchar[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[],
                        ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[], ?::numeric[],
                        ?::integer[], ?::integer[], ?::bigint[], ?::bigint[])
                    ON CONFLICT (usage_id) DO NOTHING
                    RETURNING usage_id, user_id, api_key_id, cost_usd, ts""")) {
                int p = 1;
                ps.setArray(p++, c.createArrayOf("varchar", usageIds));
                ps.setArray(p++, c.createArrayOf("varchar", requestIds));
                ps.setArray(p++, c.createArrayOf("timestamptz", ts));
                ps.setArray(p++, c.createArrayOf("bigint", keyIds));
                ps.setArray(p++, c.createArrayOf("bigint", userIds));
                ps.setArray(p++, c.createArrayOf("bigint", groupIds));
                ps.setArray(p++, c.createArrayOf("varchar", requested));
                ps.setArray(p++, c.createArrayOf("varchar", via));
                ps.setArray(p++, c.createArrayOf("varchar", provider));
                ps.setArray(p++, c.createArrayOf("varchar", upstream));
                ps.setArray(p++, c.createArrayOf("bigint", prompt));
                ps.setArray(p++, c.createArrayOf("bigint", completion));
                ps.setArray(p++, c.createArrayOf("numeric", cost));
                ps.setArray(p++, c.createArrayOf("integer", status));
                ps.setArray(p++, c.createArrayOf("integer", attempts));
                ps.setArray(p++, c.createArrayOf("bigint", latency));
                ps.setArray(p++, c.createArrayOf("bigint", ttfb));
                List<Inserted> out = new ArrayList<>(n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Inserted(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBigDecimal(4),
                                rs.getTimestamp(5).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Subtracts each user's summed cost from their balance in one statement, users with a null balance
     * (not metered) left alone, each debited user given a new version. The rows are locked in id order
     * first, so two replicas settling overlapping users never deadlock; the version is drawn under the
     * row lock, so it orders after every earlier change of that user.
     *
     * @return the users whose balance changed
     */
    public Set<Long> debitAll(Map<Long, BigDecimal> amountByUser) {
        Set<Long> debited = new TreeSet<>();
        if (amountByUser.isEmpty()) {
            return debited;
        }
        Long[] ids = new TreeSet<>(amountByUser.keySet()).toArray(Long[]::new);
        BigDecimal[] amounts = new BigDecimal[ids.length];
        for (int i = 0; i < ids.length; i++) {
            amounts[i] = amountByUser.get(ids[i]);
        }
        return em.unwrap(Session.class).doReturningWork(c -> {
            lockInOrder(c, "SELECT id FROM auth.users WHERE id = ANY(?) ORDER BY id FOR UPDATE", ids);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE auth.users u SET balance_usd = u.balance_usd - d.amount, version = nextval('auth.version_seq')
                    FROM unnest(?::bigint[], ?::numeric[]) AS d(id, amount)
                    WHERE u.id = d.id AND u.balance_usd IS NOT NULL
                    RETURNING u.id""")) {
                ps.setArray(1, c.createArrayOf("bigint", ids));
                ps.setArray(2, c.createArrayOf("numeric", amounts));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        debited.add(rs.getLong(1));
                    }
                }
            }
            return debited;
        });
    }

    /** Records when keys were last used (latest first wins); not part of the snapshot, so no new version. */
    public void touchKeys(Map<Long, Instant> lastUseByKey) {
        if (lastUseByKey.isEmpty()) {
            return;
        }
        Long[] ids = new TreeSet<>(lastUseByKey.keySet()).toArray(Long[]::new);
        Timestamp[] at = new Timestamp[ids.length];
        for (int i = 0; i < ids.length; i++) {
            at[i] = Timestamp.from(lastUseByKey.get(ids[i]));
        }
        em.unwrap(Session.class).doWork(c -> {
            lockInOrder(c, "SELECT id FROM auth.api_keys WHERE id = ANY(?) ORDER BY id FOR NO KEY UPDATE", ids);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE auth.api_keys k SET last_used_at = d.at
                    FROM unnest(?::bigint[], ?::timestamptz[]) AS d(id, at)
                    WHERE k.id = d.id AND (k.last_used_at IS NULL OR k.last_used_at < d.at)""")) {
                ps.setArray(1, c.createArrayOf("bigint", ids));
                ps.setArray(2, c.createArrayOf("timestamptz", at));
                ps.executeUpdate();
            }
        });
    }

    private static void lockInOrder(Connection c, String sql, Long[] ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array a = c.createArrayOf("bigint", ids);
            ps.setArray(1, a);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // rows are locked as they are read
                }
            }
        }
    }

    /** Records when a key was last used; not part of the snapshot, so no new version. */
    public void touchKey(long apiKeyId, Instant at) {
        touchKeys(Map.of(apiKeyId, at));
    }

    /** Keeps a message the ledger cannot settle, with why; a message id is kept once. */
    public void deadLetter(String messageId, String usageId, String payload, String reason, int attempts) {
        em.createNativeQuery("""
                INSERT INTO auth.usage_dead_letter (message_id, usage_id, payload, reason, attempts, failed_at)
                VALUES (?1, ?2, ?3, ?4, ?5, now()) ON CONFLICT (message_id) DO NOTHING""")
                .setParameter(1, messageId)
                .setParameter(2, usageId)
                .setParameter(3, payload)
                .setParameter(4, reason)
                .setParameter(5, attempts)
                .executeUpdate();
    }

    public boolean ping() {
        return ((Number) em.createNativeQuery("SELECT 1").getSingleResult()).intValue() == 1;
    }

    public boolean exists(String usageId) {
        return !em.createNativeQuery("SELECT 1 FROM auth.usage_ledger WHERE usage_id = ?1")
                .setParameter(1, usageId).getResultList().isEmpty();
    }

    /** Rows recorded under one client request id (correlation; any number may share it). */
    public long countByRequestId(String requestId) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM auth.usage_ledger WHERE request_id = ?1")
                .setParameter(1, requestId).getSingleResult()).longValue();
    }

    /** The reason a message was dead-lettered with, or null. */
    public String deadLetterReason(String messageId) {
        List<?> r = em.createNativeQuery("SELECT reason FROM auth.usage_dead_letter WHERE message_id = ?1")
                .setParameter(1, messageId).getResultList();
        return r.isEmpty() ? null : (String) r.get(0);
    }
}

package dev.switchboard.auth.repository;

import dev.switchboard.contracts.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import org.hibernate.query.NativeQuery;
import java.time.Instant;

/** The usage ledger table: one row per finished request, written idempotently by request id. */
@ApplicationScoped
public class LedgerRepository {

    @Inject
    EntityManager em;

    /** @return true when the row was inserted, false when the request id was already recorded */
    public boolean insert(UsageEvent e) {
        NativeQuery<?> q = em.createNativeQuery("""
                INSERT INTO auth.usage_ledger (request_id, ts, api_key_id, user_id, group_id, requested_model,
                    resolved_via, provider, upstream_model, prompt_tokens, completion_tokens, cost_usd, status,
                    attempts, latency_ms, ttfb_ms)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                ON CONFLICT (request_id) DO NOTHING""").unwrap(NativeQuery.class);
        // Typed parameters: a null (model, ttfb) must still bind with its column's type.
        q.setParameter(1, e.requestId(), String.class);
        q.setParameter(2, Instant.ofEpochMilli(e.timestampMs()), Instant.class);
        q.setParameter(3, e.apiKeyId(), Long.class);
        q.setParameter(4, e.userId(), Long.class);
        q.setParameter(5, e.groupId(), Long.class);
        q.setParameter(6, e.requestedModel(), String.class);
        q.setParameter(7, e.resolvedVia(), String.class);
        q.setParameter(8, e.provider(), String.class);
        q.setParameter(9, e.upstreamModel(), String.class);
        q.setParameter(10, e.promptTokens(), Long.class);
        q.setParameter(11, e.completionTokens(), Long.class);
        q.setParameter(12, e.costUsd() == null ? BigDecimal.ZERO : e.costUsd(), BigDecimal.class);
        q.setParameter(13, e.status(), Integer.class);
        q.setParameter(14, e.attempts(), Integer.class);
        q.setParameter(15, e.latencyMs(), Long.class);
        q.setParameter(16, e.ttfbMs(), Long.class);
        int rows = q.executeUpdate();
        return rows == 1;
    }

    /** Records when a key was last used; not part of the snapshot, so no new version. */
    public void touchKey(long apiKeyId, Instant at) {
        em.createNativeQuery("""
                UPDATE auth.api_keys SET last_used_at = ?2
                WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)""")
                .setParameter(1, apiKeyId)
                .setParameter(2, at)
                .executeUpdate();
    }

    public boolean exists(String requestId) {
        return !em.createNativeQuery("SELECT 1 FROM auth.usage_ledger WHERE request_id = ?1")
                .setParameter(1, requestId).getResultList().isEmpty();
    }
}

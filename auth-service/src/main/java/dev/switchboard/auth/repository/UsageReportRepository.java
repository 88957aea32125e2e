package dev.switchboard.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Aggregates of the usage ledger. */
@ApplicationScoped
public class UsageReportRepository {

    /** Grouping expressions by the API's groupBy value; SQL is only ever built from this table. */
    public static final Map<String, String> GROUP_EXPRESSIONS = Map.of(
            "key", "CAST(api_key_id AS VARCHAR)",
            "user", "CAST(user_id AS VARCHAR)",
            "group", "CAST(group_id AS VARCHAR)",
            "model", "COALESCE(requested_model, '')",
            "day", "TO_CHAR(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD')");

    private final EntityManager em;

    public UsageReportRepository(EntityManager em) {
        this.em = em;
    }

    public record Row(String key, long requests, long promptTokens, long completionTokens, BigDecimal costUsd) {
    }

    /** Rows ordered by key, for {@code from <= ts < to}. */
    @SuppressWarnings("unchecked")
    public List<Row> aggregate(String groupBy, Instant from, Instant to) {
        String expr = GROUP_EXPRESSIONS.get(groupBy);
        if (expr == null) {
            throw new IllegalArgumentException("unknown grouping");
        }
        List<Object[]> rows = em.createNativeQuery("SELECT " + expr + " AS k, COUNT(*), COALESCE(SUM(prompt_tokens), 0), "
                + "COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_usd), 0) FROM auth.usage_ledger "
                + "WHERE ts >= ?1 AND ts < ?2 GROUP BY k ORDER BY k")
                .setParameter(1, from).setParameter(2, to).getResultList();
        return rows.stream().map(r -> new Row((String) r[0], ((Number) r[1]).longValue(), ((Number) r[2]).longValue(),
                ((Number) r[3]).longValue(), toDecimal(r[4]))).toList();
    }

    private static BigDecimal toDecimal(Object o) {
        return o instanceof BigDecimal b ? b : new BigDecimal(o.toString());
    }
}

package dev.switchboard.catalog.repository;

import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.FailoverRule;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the whole catalog for publishing with plain JDBC: eight ordered queries in one
 * REPEATABLE READ read-only transaction, so the snapshot is consistent across tables and costs no
 * entity management (a 20 000-row catalog builds in tens of milliseconds).
 */
@ApplicationScoped
public class SnapshotRepository {

    private final AgroalDataSource dataSource;

    public SnapshotRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Takes the next publish version. It is drawn before the data is read, so a version drawn later
     * always reads data at least as new (see README, "Publishing").
     */
    public long nextVersion() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select nextval('catalog.publish_seq')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Moves the version sequence past {@code version} (the one found in Redis), so a restored or
     * recreated database never publishes versions the relays would ignore as older.
     */
    public void advancePast(long version) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        select setval('catalog.publish_seq',
                                      greatest(?, (select last_value from catalog.publish_seq)))""")) {
            ps.setLong(1, version);
            ps.executeQuery().close();
        }
    }

    public CatalogSnapshot read(long version) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                CatalogSnapshot snapshot = read(c, version);
                c.commit();
                return snapshot;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static CatalogSnapshot read(Connection c, long version) throws SQLException {
        Map<Long, Map<String, String>> headers = new HashMap<>();
        query(c, "select provider_id, header_name, header_value from catalog.provider_header order by provider_id, header_name",
                rs -> headers.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3)));

        Map<Long, List<FailoverRule>> rules = new HashMap<>();
        query(c, """
                select provider_id, status, body_contains, action, scope, cooldown_seconds, reason
                from catalog.provider_failover_rule order by provider_id, position""",
                rs -> rules.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new FailoverRule(
                        (Integer) rs.getObject(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        (Long) rs.getObject(6), rs.getString(7))));

        Map<Long, List<ProviderKeySnapshot>> keys = new HashMap<>();
        query(c, """
                select provider_id, id, label, secret_ciphertext, last4, rpm, tpm, weight, enabled
                from catalog.provider_key order by provider_id, id""",
                rs -> keys.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new ProviderKeySnapshot(
                        rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        (Integer) rs.getObject(6), (Integer) rs.getObject(7), rs.getInt(8), rs.getBoolean(9))));

        Map<Long, List<ModelSnapshot>> models = new HashMap<>();
        query(c, """
                select provider_id, id, name, upstream_name, context_window, input_price_per_mtok,
                       output_price_per_mtok, enabled, prefill
                from catalog.model order by provider_id, id""",
                rs -> models.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new ModelSnapshot(
                        rs.getLong(2), rs.getString(3), rs.getString(4), (Integer) rs.getObject(5),
                        rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getBoolean(8), (Boolean) rs.getObject(9))));

        List<ProviderSnapshot> providers = new ArrayList<>();
        query(c, """
                select id, name, protocol, base_url, enabled, connect_timeout_ms, first_byte_timeout_ms,
                       idle_timeout_ms, first_token_timeout_ms, responses_api,
                       default_input_price_per_mtok, default_output_price_per_mtok
                from catalog.provider order by id""",
                rs -> {
                    long id = rs.getLong(1);
                    providers.add(new ProviderSnapshot(id, rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBoolean(5),
                            new ProviderSnapshot.Timeouts(rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9)),
                            headers.get(id), keys.get(id), models.get(id), rules.get(id), rs.getBoolean(10),
                            rs.getBigDecimal(11) == null ? null : new Price(rs.getBigDecimal(11), rs.getBigDecimal(12))));
                });

        Map<Long, List<PoolSnapshot.Member>> poolMembers = new HashMap<>();
        query(c, """
                select pm.pool_id, m.provider_id, m.name, pm.priority, pm.weight, pm.enabled
                from catalog.pool_member pm join catalog.model m on m.id = pm.model_id
                order by pm.pool_id, pm.priority, pm.id""",
                rs -> poolMembers.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new PoolSnapshot.Member(
                        rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getBoolean(6))));
        List<PoolSnapshot> pools = new ArrayList<>();
        query(c, "select id, name, strategy, enabled, same_candidate_retry, translation from catalog.pool order by id",
                rs -> pools.add(new PoolSnapshot(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        poolMembers.get(rs.getLong(1)), rs.getBoolean(5), rs.getBoolean(6))));

        Map<Long, List<ClusterSnapshot.Member>> clusterMembers = new HashMap<>();
        query(c, """
                select cm.cluster_id, p.name, cm.model_name
                from catalog.cluster_member cm left join catalog.pool p on p.id = cm.pool_id
                order by cm.cluster_id, cm.position""",
                rs -> clusterMembers.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(
                        rs.getString(2) != null
                                ? new ClusterSnapshot.Member(ClusterSnapshot.POOL, rs.getString(2))
                                : new ClusterSnapshot.Member(ClusterSnapshot.MODEL, rs.getString(3))));
        List<ClusterSnapshot> clusters = new ArrayList<>();
        query(c, "select id, name, enabled, translation from catalog.cluster order by id",
                rs -> clusters.add(new ClusterSnapshot(rs.getLong(1), rs.getString(2), rs.getBoolean(3),
                        clusterMembers.get(rs.getLong(1)), rs.getBoolean(4))));

        List<RouteSnapshot> routes = new ArrayList<>();
        query(c, """
                select r.id, r.pattern,
                       case when r.target_provider_id is not null then 'provider'
                            when r.target_pool_id is not null then 'pool' else 'cluster' end,
                       coalesce(pr.name, po.name, cl.name), r.priority, r.enabled
                from catalog.route r
                left join catalog.provider pr on pr.id = r.target_provider_id
                left join catalog.pool po on po.id = r.target_pool_id
                left join catalog.cluster cl on cl.id = r.target_cluster_id
                order by r.id""",
                rs -> routes.add(new RouteSnapshot(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getBoolean(6), rs.getLong(1))));

        return new CatalogSnapshot(Schema.CATALOG, version, Instant.now(), providers, pools, clusters, routes);
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, RowHandler handler) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(2_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        }
    }
}

package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.service.KeySecrets;
import dev.switchboard.auth.service.SnapshotService;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

/**
 * A flood of unknown keys reaches PostgreSQL at most once per distinct key, and never again while
 * the negative entry lives. Counted with Hibernate statistics (JDBC statements prepared).
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class NegativeCacheBoundTest {

    @Inject
    SnapshotService snapshots;
    @Inject
    SessionFactory sessionFactory;

    private long statements() {
        Statistics stats = sessionFactory.getStatistics();
        assertThat(stats.isStatisticsEnabled()).isTrue();
        return stats.getPrepareStatementCount();
    }

    @Test
    void tenThousandRandomUnknownKeysCostAtMostOneQueryEachAndNoneWhenRepeated() {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            hashes.add(KeySecrets.sha256Hex("sk-sb-" + UUID.randomUUID()));
        }
        long before = statements();
        for (String h : hashes) {
            assertThat(snapshots.lookup(h).notFound()).isTrue();
        }
        long firstPass = statements() - before;
        for (String h : hashes) {
            assertThat(snapshots.lookup(h).notFound()).isTrue();
        }
        long secondPass = statements() - before - firstPass;

        System.out.printf("negative-cache bound: first pass %d statements, second pass %d statements%n", firstPass, secondPass);
        assertThat(firstPass).as("statements for 10 000 distinct unknown keys").isLessThanOrEqualTo(10_000);
        assertThat(secondPass).as("statements for the same 10 000 keys again").isZero();
    }

    @Test
    void oneUnknownKeyHitsPostgresOnceThroughTheEndpoint() {
        String hash = KeySecrets.sha256Hex("sk-sb-" + UUID.randomUUID());
        long before = statements();
        for (int i = 0; i < 200; i++) {
            given().header("x-switchboard-service-token", InternalSnapshotEndpointTest.TOKEN)
                    .get(InternalSnapshotEndpointTest.PATH + hash).then().statusCode(404);
        }
        assertThat(statements() - before).isEqualTo(1);
    }

    @Test
    void malformedHashesNeverReachPostgres() {
        long before = statements();
        for (int i = 0; i < 1_000; i++) {
            assertThat(snapshots.lookup("zz" + i).notFound()).isTrue();
        }
        assertThat(statements() - before).isZero();
    }
}

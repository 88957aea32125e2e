package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.routing.CooldownScope;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A half-open probe always reports back: even an outcome that cools nothing (a 400 relayed to the
 * client) releases the probe lock at once, so the next request may probe instead of being refused
 * for the lock's 30 s lifetime.
 */
@QuarkusTest
class ProbeReleaseTest extends RelayTestBase {

    private int chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions").then().extract().statusCode();
    }

    private boolean anyProbeLock(ProviderSnapshot p, ProviderKeySnapshot k, String upstream) {
        for (String scope : List.of(CooldownScope.key(k.id()), CooldownScope.keyModel(k.id(), upstream),
                CooldownScope.providerModel(p.id(), upstream), CooldownScope.provider(p.id()))) {
            if (redis.key().exists(RedisKeys.cooldownProbe(scope))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aProbeAnsweredWithA400ReleasesItsLockRightAway() {
        String model = Fixture.unique("probe-model");
        String upstream = Fixture.unique("gpt-probe");
        ProviderKeySnapshot k = Fixture.providerKey("only", "up-c");
        ModelSnapshot m = Fixture.model(model, upstream);
        ProviderSnapshot p = Fixture.provider(Fixture.unique("probe-prov"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(k), List.of(m));
        fx.publish(List.of(p), List.of(), List.of(), List.of());
        String key = fx.tenant();

        // a 1 s rate limit, twice (the attempt and its same-candidate retry), cools the only candidate, then
        // lapses into half-open
        mock.addFault(new FaultRule("up-c", upstream, "status=429;retry-after=1", 2));
        assertThat(chat(key, model)).isEqualTo(429);
        Fixture.sleep(1_300);

        // the probe gets a 400: relayed unchanged, cools nothing
        mock.addFault(new FaultRule("up-c", upstream, "status=400", 1));
        assertThat(chat(key, model)).isEqualTo(400);
        assertThat(mock.counts().by("/v1/chat/completions", upstream, "up-c")).isEqualTo(3);

        long deadline = System.currentTimeMillis() + 2_000;
        while (anyProbeLock(p, k, upstream) && System.currentTimeMillis() < deadline) {
            Fixture.sleep(20);
        }
        assertThat(anyProbeLock(p, k, upstream)).as("the probe lock is released, not left to its 30 s expiry").isFalse();
        // so the next request may probe (and succeeds) instead of being refused with probe_in_flight
        assertThat(chat(key, model)).isEqualTo(200);
    }
}

package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hop's answers to upstream faults (issue "failover that survives every upstream fault"): one failure
 * one scope, a late first token, a stream that finished but lost its sentinel, a reset after the request
 * was written, an unreadable first event. Exact upstream call counts from the mock.
 */
@QuarkusTest
class UpstreamFaultsTest extends RelayTestBase {

    private String pool;
    private String providerA;
    private String providerB;
    private String model;
    private String key;

    @BeforeEach
    void seed() {
        pool = Fixture.unique("uf-pool");
        providerA = Fixture.unique("uf-a");
        providerB = Fixture.unique("uf-b");
        model = Fixture.unique("uf-model");
        ProviderSnapshot a = Fixture.withTimeouts(Fixture.provider(providerA, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("a1", "up-a"), Fixture.providerKey("a2", "up-b"),
                        Fixture.providerKey("a3", "up-c"), Fixture.providerKey("a4", "up-a")),
                List.of(Fixture.model(model, "up-uf-a"), Fixture.model(model + "-other", "up-uf-a-other"))),
                new ProviderSnapshot.Timeouts(2_000, 10_000, 10_000, 700));
        ProviderSnapshot b = Fixture.provider(providerB, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("b1", "up-c")), List.of(Fixture.model(model, "up-uf-b")));
        fx.publish(List.of(a, b), List.of(Fixture.pool(pool, PoolSnapshot.PRIORITY, List.of(
                new PoolSnapshot.Member(a.id(), model, 1, 1, true),
                new PoolSnapshot.Member(b.id(), model, 2, 1, true)))), List.of(), List.of());
        key = fx.tenant();
    }

    private Response chat(String name, boolean stream) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + name + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}")
                .when().post("/v1/chat/completions");
    }

    private long callsA() {
        return mock.counts().by("/v1/chat/completions", "up-uf-a", null);
    }

    @Test
    void aProviderAnswering503IsTriedOnceAndTheHealthyOneServesTheFirstRequest() {
        mock.addFault(new FaultRule(null, "up-uf-a", "status=503", -1));
        Response r = chat(pool, false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerB);
        assertThat(callsA()).as("one attempt on A, not one per key").isEqualTo(1);
        assertThat(mock.counts().by("/v1/chat/completions", "up-uf-b", "up-c")).isEqualTo(1);
    }

    @Test
    void aFirstTokenLaterThanTheProvidersTimeoutFailsOverBeforeAnythingReachesTheClient() {
        mock.addFault(new FaultRule(null, "up-uf-a", "first-token=5000", -1));
        long t0 = System.nanoTime();
        Response r = chat(pool, true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerB);
        String text = r.asString();
        assertThat(text.trim()).endsWith("data: [DONE]");
        assertThat(text.split("\"role\":\"assistant\"", -1)).as("one stream, not A's start then B's").hasSize(2);
        assertThat(ms).as("failed over at the 0.7 s first-token timeout, not after A's 5 s").isLessThan(4_000);
    }

    @Test
    void aStreamThatFinishedButClosedWithoutDoneIsCompletedBySuccess() {
        mock.addFault(new FaultRule(null, "up-uf-a", "no-sentinel", -1));
        Response r = chat(pool, true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerA);
        String text = r.asString();
        assertThat(text).doesNotContain("\"error\"");
        assertThat(text.trim()).endsWith("data: [DONE]");
    }

    @Test
    void aResetAfterTheRequestWasWrittenLeavesTheProvidersOtherModelsUsable() {
        mock.addFault(new FaultRule(null, "up-uf-a", "reset", 2));
        Response first = chat(pool, false);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(callsA()).as("the reset and its one same-candidate retry").isEqualTo(2);
        assertThat(first.header("x-switchboard-provider")).isEqualTo(providerB);
        Response other = chat(model + "-other", false);
        assertThat(other.statusCode()).as("the provider is not benched by one reset").isEqualTo(200);
        assertThat(other.header("x-switchboard-provider")).isEqualTo(providerA);
    }

    @Test
    void anUnreadableFirstEventFailsOverInvisibly() {
        mock.addFault(new FaultRule(null, "up-uf-a", "bad-event=0", -1));
        Response r = chat(pool, true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerB);
        assertThat(r.asString().trim()).endsWith("data: [DONE]");
    }

    @Test
    void aShortRetryAfterIsWaitedForAndTheSameCandidateServes() {
        mock.addFault(new FaultRule(null, "up-uf-a", "status=429;retry-after=1", 1));
        long t0 = System.nanoTime();
        Response r = chat(pool, false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).as("the primary answered a moment later").isEqualTo(providerA);
        assertThat(callsA()).as("the 429 and its one retry").isEqualTo(2);
        assertThat(mock.counts().by("/v1/chat/completions", "up-uf-b", null)).isZero();
        assertThat(r.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(ms).as("the retry waited for the 1 s Retry-After").isGreaterThanOrEqualTo(900);
    }

    @Test
    void aOneOff500IsRetriedOnceOnTheSameCandidate() {
        mock.addFault(new FaultRule(null, "up-uf-a", "status=500", 1));
        Response r = chat(pool, true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerA);
        assertThat(callsA()).isEqualTo(2);
        assertThat(r.asString().trim()).endsWith("data: [DONE]");
    }

    @Test
    void aLongRetryAfterMovesOnAtOnceToTheNextKey() {
        mock.addFault(new FaultRule(null, "up-uf-a", "status=429;retry-after=30", 1));
        long t0 = System.nanoTime();
        Response r = chat(pool, false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).as("a 429 benches the key, not the provider")
                .isEqualTo(providerA);
        assertThat(callsA()).as("30 s is longer than failover.max-retry-wait: the next key at once").isEqualTo(2);
        assertThat(r.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(ms).isLessThan(3_000);
    }
}

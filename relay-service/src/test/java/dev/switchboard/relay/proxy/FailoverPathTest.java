package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request path's failover as a tenant sees it: the next candidate on connect error, 429 and 5xx,
 * invisible failover before a stream's first event, an explicit error event after it.
 */
@QuarkusTest
class FailoverPathTest extends RelayTestBase {

    private String pool;
    private String deadProvider;
    private String providerA;
    private String providerB;
    private String key;

    @BeforeEach
    void seed() {
        pool = Fixture.unique("fo-pool");
        deadProvider = Fixture.unique("dead");
        providerA = Fixture.unique("fo-a");
        providerB = Fixture.unique("fo-b");
        String model = Fixture.unique("fo-model");
        // nothing listens on port 1: a connect error
        ProviderSnapshot dead = Fixture.provider(deadProvider, ProviderSnapshot.OPENAI, "http://127.0.0.1:1",
                List.of(Fixture.providerKey("d1", "up-a")), List.of(Fixture.model(model, "up-dead")));
        ProviderSnapshot a = Fixture.provider(providerA, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("a1", "up-a"), Fixture.providerKey("a2", "up-b")),
                List.of(Fixture.model(model, "up-model-a")));
        ProviderSnapshot b = Fixture.provider(providerB, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("b1", "up-c")), List.of(Fixture.model(model, "up-model-b")));
        fx.publish(List.of(dead, a, b), List.of(Fixture.pool(pool, PoolSnapshot.PRIORITY, List.of(
                new PoolSnapshot.Member(a.id(), model, 1, 1, true),
                new PoolSnapshot.Member(b.id(), model, 2, 1, true)))), List.of(), List.of());
        key = fx.tenant();
    }

    private Response chat(String model, boolean stream) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}")
                .when().post("/v1/chat/completions");
    }

    @Test
    void aLongRateLimitOnTheFirstKeyIsServedByTheSecondKey() {
        mock.addFault(new FaultRule("up-a", "up-model-a", "status=429;retry-after=30", 1));
        Response r = chat(pool, false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerA);
        assertThat(mock.counts().by("/v1/chat/completions", "up-model-a", "up-a")).isEqualTo(1);
        assertThat(mock.counts().by("/v1/chat/completions", "up-model-a", "up-b")).isEqualTo(1);
        assertThat(mock.counts().total()).isEqualTo(2);
    }

    @Test
    void aShortRetryAfterIsWaitedForAndRetriedOnceOnTheSameKey() {
        mock.addFault(new FaultRule("up-a", "up-model-a", "status=429;retry-after=1", 1));
        long t0 = System.nanoTime();
        Response r = chat(pool, false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(mock.counts().by("/v1/chat/completions", "up-model-a", "up-a")).isEqualTo(2);
        assertThat(mock.counts().total()).isEqualTo(2);
        assertThat(ms).as("waited for the upstream's Retry-After").isGreaterThanOrEqualTo(900L);
    }

    @Test
    void serverErrorMovesToTheNextProvider() {
        mock.addFault(new FaultRule(null, "up-model-a", "status=503", -1));
        Response r = chat(pool, false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerB);
        // provider-level failure: the second key of A is not worth trying... or is; either way B serves once
        assertThat(mock.counts().by("/v1/chat/completions", "up-model-b", "up-c")).isEqualTo(1);
    }

    @Test
    void connectErrorMovesToTheNextCandidate() {
        String model = "fo-direct-" + Fixture.id();
        ProviderSnapshot dead = Fixture.provider(Fixture.unique("dead"), ProviderSnapshot.OPENAI, "http://127.0.0.1:1",
                List.of(Fixture.providerKey("d1", "up-a")), List.of(Fixture.model(model, "up-dead")));
        ProviderSnapshot live = Fixture.provider(Fixture.unique("live"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("l1", "up-c")), List.of(Fixture.model(model, "up-live")));
        String p = Fixture.unique("conn-pool");
        fx.publish(List.of(dead, live), List.of(Fixture.pool(p, PoolSnapshot.PRIORITY, List.of(
                new PoolSnapshot.Member(dead.id(), model, 1, 1, true),
                new PoolSnapshot.Member(live.id(), model, 2, 1, true)))), List.of(), List.of());
        Response r = chat(p, false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(live.name());
        assertThat(r.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(mock.counts().total()).isEqualTo(1);
    }

    @Test
    void inBandErrorAsFirstStreamEventFailsOverInvisibly() {
        mock.addFault(new FaultRule(null, "up-model-a", "inband-error;status=529", -1));
        Response r = chat(pool, true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).isEqualTo(providerB);
        String text = r.asString();
        assertThat(text).doesNotContain("\"error\"");
        assertThat(text.trim()).endsWith("data: [DONE]");
        assertThat(mock.counts().by("/v1/chat/completions", "up-model-b", "up-c")).isEqualTo(1);
    }

    @Test
    void streamCutAfterTheFirstEventsIsContinuedOnTheNextCandidate() {
        mock.addFault(new FaultRule(null, "up-model-a", "cut-after=3", -1));
        Response r = chat(pool, true);
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.asString();
        assertThat(text).doesNotContain("\"error\"");
        assertThat(text.trim()).endsWith("data: [DONE]");
        assertThat(mock.counts().by("/v1/chat/completions", "up-model-b", "up-c")).isEqualTo(1);
    }

    @Test
    void streamCutWhereNoCandidateCanContinueEndsWithAnExplicitErrorEvent() {
        mock.addFault(new FaultRule(null, null, "cut-after=3", -1));
        Response r = chat(pool, true);
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.asString();
        assertThat(text).contains("chat.completion.chunk");
        assertThat(text).doesNotContain("[DONE]");
        String last = text.trim().substring(text.trim().lastIndexOf("data: ") + 6);
        assertThat(JsonPath.from(last).getString("error.code")).isEqualTo("upstream_stream_interrupted");
        assertThat(mock.counts().by("/v1/chat/completions", "up-model-b", "up-c")).as("one continuation, cut too")
                .isEqualTo(1);
    }

    @Test
    void exhaustedChainListsEveryAttemptWithoutSecrets() {
        mock.addFault(new FaultRule(null, null, "status=500", -1));
        Response r = chat(pool, false);
        assertThat(r.statusCode()).isEqualTo(502);
        JsonPath json = r.jsonPath();
        assertThat(json.getString("error.code")).isEqualTo("upstream_failed");
        assertThat(json.getList("error.attempts.provider")).contains(providerA, providerB);
        assertThat(json.getList("error.attempts.status", Integer.class)).containsOnly(500);
        assertThat(r.asString()).doesNotContain("up-a").doesNotContain("up-b").doesNotContain("up-c");
    }

    @Test
    void exhaustedStreamingRequestFailsBeforeAnyEvent() {
        mock.addFault(new FaultRule(null, null, "status=500", -1));
        Response r = chat(pool, true);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.contentType()).startsWith("application/json");
    }

    /** A pool of a slow provider (1 s first-byte and idle timeouts) and a healthy one. */
    private String slowPool(String slowUpstream) {
        String model = "fo-slow-" + Fixture.id();
        ProviderSnapshot slow = Fixture.withTimeouts(Fixture.provider(Fixture.unique("slow"), ProviderSnapshot.OPENAI,
                mock.baseUrl(), List.of(Fixture.providerKey("s1", "up-a")), List.of(Fixture.model(model, slowUpstream))),
                new ProviderSnapshot.Timeouts(1_000, 1_000, 1_000));
        ProviderSnapshot live = Fixture.provider(Fixture.unique("live"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("l1", "up-c")), List.of(Fixture.model(model, "up-live")));
        String p = Fixture.unique("slow-pool");
        fx.publish(List.of(slow, live), List.of(Fixture.pool(p, PoolSnapshot.PRIORITY, List.of(
                new PoolSnapshot.Member(slow.id(), model, 1, 1, true),
                new PoolSnapshot.Member(live.id(), model, 2, 1, true)))), List.of(), List.of());
        return p;
    }

    @Test
    void hangingUpstreamHitsTheFirstByteTimeoutAndTheNextCandidateServes() {
        String p = slowPool("up-hang");
        mock.addFault(new FaultRule(null, "up-hang", "hang", -1));
        long start = System.nanoTime();
        Response r = chat(p, false);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-attempts")).isEqualTo("2");
        assertThat(ms).isBetween(900L, 4_000L);
        assertThat(mock.counts().by("/v1/chat/completions", "up-live", "up-c")).isEqualTo(1);
    }

    @Test
    void streamThatGoesQuietAfterTheFirstEventIsContinuedOnTheNextCandidate() {
        String p = slowPool("up-quiet");
        mock.addFault(new FaultRule(null, "up-quiet", "chunk-delay=3000", -1));
        Response r = chat(p, true);
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.asString().trim();
        assertThat(text).doesNotContain("\"error\"").endsWith("data: [DONE]");
        assertThat(mock.counts().by("/v1/chat/completions", "up-live", "up-c")).isEqualTo(1);
    }

    @Test
    void streamThatGoesQuietWithNothingToContinueOnEndsWithAnIdleTimeoutErrorEvent() {
        String p = slowPool("up-quiet2");
        mock.addFault(new FaultRule(null, "up-quiet2", "chunk-delay=3000", -1));
        mock.addFault(new FaultRule(null, "up-live", "status=503", -1));
        Response r = chat(p, true);
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.asString().trim();
        assertThat(text).doesNotContain("[DONE]");
        String last = text.substring(text.lastIndexOf("data: ") + 6);
        assertThat(JsonPath.from(last).getString("error.code")).isEqualTo("upstream_idle_timeout");
        assertThat(text).as("the original failure, not the fallback's 503").doesNotContain("503");
    }
}

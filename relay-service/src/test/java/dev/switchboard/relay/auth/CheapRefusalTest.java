package dev.switchboard.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.AuthServiceStub;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.GuardProfile;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys without the tenant key format cost no lookup; unknown keys cost at most a few lookups per address. */
@QuarkusTest
@TestProfile(GuardProfile.class)
@QuarkusTestResource(AuthServiceStub.class)
class CheapRefusalTest extends RelayTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(16);

    @TestHTTPResource("/v1/chat/completions")
    URI chat;

    private String model;

    @BeforeEach
    void seed() {
        model = Fixture.unique("cheap-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
    }

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    private static String address() {
        long id = Fixture.id();
        return "10." + (id >> 16 & 255) + "." + (id >> 8 & 255) + "." + (id & 255);
    }

    private HttpResponse<String> send(String key, String from) {
        try {
            return HTTP.send(HttpRequest.newBuilder(chat).header("authorization", "Bearer " + key)
                    .header("x-forwarded-for", from).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void keysWithoutTheTenantKeyFormatAreRefusedWithoutAnyLookup() {
        String from = address();
        String good = Fixture.newSecret();
        List<String> malformed = List.of("sk-test-" + java.util.UUID.randomUUID(), good + "x", good.substring(1),
                good.substring(0, good.length() - 1) + "_", "sk-sb-", "x".repeat(600), "Bearer");
        int before = AuthServiceStub.calls.get();
        for (int round = 0; round < 20; round++) {
            for (String key : malformed) {
                HttpResponse<String> r = send(key, from);
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(r.body()).contains("invalid_api_key");
            }
        }
        assertThat(AuthServiceStub.calls.get() - before).isZero();
    }

    @Test
    void requestsOfAKnownKeyArrivingTogetherShareOneLookupAndAreNeverLimited() throws Exception {
        // what every ledger batch does to a busy metered key: its L1 entry is invalidated while many of its
        // requests arrive from one address (a NAT, a backend)
        String from = address();
        String key = Fixture.newSecret();
        String sha = TenantAuthenticator.sha256Hex(key);
        AuthServiceStub.answers.put(sha, fx.json(AuthCacheEntry.found(Fixture.key(Fixture.group(List.of(), Map.of())))));
        CompletableFuture<Void> hold = AuthServiceStub.holdAnswers();
        int before = AuthServiceStub.calls.get();
        try {
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 3 * GuardProfile.FAILED_LOOKUP_LIMIT; i++) {
                burst.add(CompletableFuture.supplyAsync(() -> send(key, from), POOL));
            }
            assertThat(AuthServiceStub.arrived.get(5, TimeUnit.SECONDS)).isEqualTo(sha);
            Fixture.sleep(300); // the others arrive while the lookup is held
            AuthServiceStub.hold = null;
            hold.complete(null);
            for (CompletableFuture<HttpResponse<String>> f : burst) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
        } finally {
            AuthServiceStub.hold = null;
            hold.complete(null);
        }
        assertThat(AuthServiceStub.calls.get() - before).as("one lookup for the whole burst").isEqualTo(1);
    }

    @Test
    void aFloodOfRandomKeysReachesAuthServiceAtMostTheLimitPerAddress() {
        String attacker = address();
        String tenant = fx.tenant();
        assertThat(send(tenant, attacker).statusCode()).as("a known tenant behind the same address").isEqualTo(200);
        int before = AuthServiceStub.calls.get();

        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            flood.add(CompletableFuture.supplyAsync(() -> send(Fixture.newSecret(), attacker), POOL));
        }
        int unauthorized = 0;
        int limited = 0;
        for (CompletableFuture<HttpResponse<String>> f : flood) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() == 401) {
                unauthorized++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.body()).contains("too_many_failed_authentications");
                long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
                assertThat(retryAfter).isBetween(1L, 60L);
                limited++;
            }
        }

        assertThat(AuthServiceStub.calls.get() - before).isLessThanOrEqualTo(GuardProfile.FAILED_LOOKUP_LIMIT);
        assertThat(unauthorized).isLessThanOrEqualTo(GuardProfile.FAILED_LOOKUP_LIMIT);
        assertThat(limited).isGreaterThanOrEqualTo(200 - GuardProfile.FAILED_LOOKUP_LIMIT);
        assertThat(send(tenant, attacker).statusCode()).as("a cached key is still served").isEqualTo(200);
        assertThat(send(Fixture.newSecret(), address()).statusCode()).as("other addresses keep their lookups")
                .isEqualTo(401);
    }
}

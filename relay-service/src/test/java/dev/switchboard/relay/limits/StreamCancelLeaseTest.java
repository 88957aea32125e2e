package dev.switchboard.relay.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's lease-leak test through the relay: 1 000 streaming requests of one user, each abandoned
 * by the client at a random point (before the response, after the headers, mid-stream) or read to
 * the end, leave the user's concurrency set empty.
 */
@QuarkusTest
class StreamCancelLeaseTest extends RelayTestBase {

    @jakarta.inject.Inject
    dev.switchboard.relay.failover.CooldownService cooldowns;

    private static final int STREAMS = 1_000;
    private static final int PARALLEL = 16;
    private static final int CONCURRENCY_LIMIT = 24;

    @TestHTTPResource("/")
    URL relay;

    private String body(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":60,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story\"}]}";
    }

    private Socket open(String key, String body) throws IOException {
        Socket s = new Socket(relay.getHost(), relay.getPort());
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return s;
    }

    /** Reads until {@code events} SSE events were seen (or the status line, with 0), returns what was read. */
    private static String readUntil(Socket s, int events) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        StringBuilder seen = new StringBuilder();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            String text = seen.toString();
            if (text.startsWith("HTTP/1.1") && !text.startsWith("HTTP/1.1 200") && text.contains("\r\n\r\n")) {
                return text;
            }
            if (text.contains("\r\n\r\n") && countEvents(text) >= events) {
                return text;
            }
            if (text.contains("[DONE]")) {
                return text;
            }
            int n = in.read(buf);
            if (n < 0) {
                return text;
            }
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    private static int countEvents(String text) {
        int n = 0;
        for (int i = text.indexOf("data: "); i >= 0; i = text.indexOf("data: ", i + 1)) {
            n++;
        }
        return n;
    }

    private long leases(long userId) {
        return redis.sortedSet(String.class).zcard(RedisKeys.concurrency(userId));
    }

    @Test
    void thousandStreamsCancelledAtRandomPointsLeaveNoLease() throws Exception {
        String model = Fixture.unique("lease-model");
        String slowModel = Fixture.unique("lease-slow");
        fx.publish(List.of(Fixture.provider(Fixture.unique("lease-prov"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("k1", "up-a")),
                List.of(Fixture.model(model, "gpt-lease"), Fixture.model(slowModel, "gpt-lease-slow")))),
                List.of(), List.of(), List.of());
        mock.addFault(new FaultRule(null, "gpt-lease", "chunk-delay=15", -1));
        mock.addFault(new FaultRule(null, "gpt-lease-slow", "chunk-delay=2000", -1));
        UserSnapshot user = new UserSnapshot(Fixture.id(), "lease-user", "active", "user", null, CONCURRENCY_LIMIT, 1);
        ApiKeySnapshot snapshot = Fixture.key(Fixture.group(List.of(), Map.of()), user, ApiKeySnapshot.ACTIVE, null, List.of(), List.of());
        String key = fx.seedKey(snapshot);
        String body = body(model);
        String slowBody = body(slowModel);

        // the lease path is live: the user's limit of open streams is enforced
        List<Socket> held = new ArrayList<>();
        try {
            // opened together: a stream is answered at its first token (one slow chunk), so one at a time the
            // first ones would have ended before the last had started
            for (int i = 0; i < CONCURRENCY_LIMIT; i++) {
                held.add(open(key, slowBody));
            }
            for (Socket s : held) {
                assertThat(readUntil(s, 1)).startsWith("HTTP/1.1 200");
            }
            assertThat(leases(user.id())).isEqualTo(CONCURRENCY_LIMIT);
            try (Socket extra = open(key, slowBody)) {
                String refused = readUntil(extra, 0);
                assertThat(refused).startsWith("HTTP/1.1 429").contains("concurrency_limit_exceeded");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        awaitLeases(user.id());

        Random random = new Random(7);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger midStream = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                int point = random.nextInt(10); // 0: right after sending, 1: after headers, 2..8: mid-stream, 9: to the end
                futures.add(pool.submit(() -> {
                    try (Socket s = open(key, body)) {
                        if (point == 0) {
                            return null;
                        }
                        String seen = readUntil(s, point == 9 ? Integer.MAX_VALUE : point - 1);
                        if (seen.startsWith("HTTP/1.1 429")) {
                            refused.incrementAndGet();
                        } else if (seen.contains("[DONE]")) {
                            completed.incrementAndGet();
                        } else if (seen.contains("data: ")) {
                            midStream.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        System.out.printf("streams: %d completed, %d cut mid-stream, %d refused%n", completed.get(), midStream.get(), refused.get());
        assertThat(completed.get()).as("some streams ran to the end").isPositive();
        assertThat(midStream.get()).as("most were cut mid-stream").isGreaterThan(STREAMS / 2);
        awaitLeases(user.id());
        // A thousand connections in a few seconds can make the local mock miss a connect deadline, and a connect
        // failure rightly cools the provider; that is failover, not a lease: clear it before counting the slots.
        for (dev.switchboard.relay.routing.CooldownState c : cooldowns.active()) {
            cooldowns.clear(c.scope()).await().atMost(java.time.Duration.ofSeconds(5));
        }
        // Refusals during the run only mean a cancelled stream's lease was still being released (timing
        // on a loaded machine); a leak shows afterwards: every one of the user's slots must be free again.
        List<Socket> again = new ArrayList<>();
        try {
            for (int i = 0; i < CONCURRENCY_LIMIT; i++) {
                Socket s = open(key, slowBody);
                again.add(s);
                assertThat(readUntil(s, 1)).as("slot %d after the run", i).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket s : again) {
                s.close();
            }
        }
        awaitLeases(user.id());
    }

    private void awaitLeases(long userId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (leases(userId) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(leases(userId)).as("leases of the user").isZero();
    }
}

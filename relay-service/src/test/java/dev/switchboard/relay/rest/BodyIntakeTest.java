package dev.switchboard.relay.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.AuthServiceStub;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.GuardProfile;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tenant keys are checked before the body is read; bodies are read within a size, a memory and a time bound. */
@QuarkusTest
@TestProfile(GuardProfile.class)
@QuarkusTestResource(AuthServiceStub.class)
class BodyIntakeTest extends RelayTestBase {

    private static final int TEN_MIB = 10 * 1024 * 1024;

    @TestHTTPResource("/")
    URL base;

    private String model;

    @BeforeEach
    void seed() {
        model = Fixture.unique("intake-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
    }

    private Socket open() throws Exception {
        Socket s = new Socket("127.0.0.1", base.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String head(String keyHeader, long contentLength, String from) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n" + (keyHeader == null ? "" : keyHeader + "\r\n")
                + "X-Forwarded-For: " + from + "\r\n\r\n";
    }

    private static String statusLine(Socket s) throws Exception {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
    }

    private static String address() {
        long id = Fixture.id();
        return "10." + (id >> 16 & 255) + "." + (id >> 8 & 255) + "." + (id & 255);
    }

    private int chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions").statusCode();
    }

    @Test
    void missingMalformedAndUnknownKeysGet401BeforeAnyBodyByteIsSent() throws Exception {
        for (String key : new String[] {null, "Authorization: Bearer not-a-tenant-key",
                "Authorization: Bearer " + Fixture.newSecret()}) {
            try (Socket s = open()) {
                s.getOutputStream().write(head(key, TEN_MIB, address()).getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                assertThat(statusLine(s)).as(String.valueOf(key)).startsWith("HTTP/1.1 401");
            }
        }
    }

    @Test
    void aHundredSlowTenMebibyteUploadsWithoutAKeyLeaveTheHeapNearIdleWhileTenantsAreServed() throws Exception {
        String tenant = fx.tenant();
        assertThat(chat(tenant)).isEqualTo(200);
        long idle = heapAfterGc();

        int uploads = 100;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch sentAMebibyte = new CountDownLatch(uploads);
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < uploads; i++) {
                Socket s = open();
                sockets.add(s);
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (statusLine(s).startsWith("HTTP/1.1 401")) {
                            refused.incrementAndGet();
                        }
                    } catch (Exception gone) {
                        // the relay closed the connection after its answer
                    }
                }));
                threads.add(Thread.ofVirtual().start(() -> slowUpload(s, stop, sentAMebibyte)));
            }
            // tenants keep being answered while the uploads trickle in
            for (int i = 0; i < 20; i++) {
                assertThat(chat(tenant)).isEqualTo(200);
            }
            assertThat(sentAMebibyte.await(60, TimeUnit.SECONDS)).as("every upload sent its first MiB").isTrue();
            long during = heapAfterGc();
            assertThat(during - idle).as("heap growth in bytes during the uploads").isLessThan(50L * 1024 * 1024);
            assertThat(refused.get()).isEqualTo(uploads);
            assertThat(chat(tenant)).isEqualTo(200);
        } finally {
            stop.set(true);
            for (Socket s : sockets) {
                s.close();
            }
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
    }

    /** Headers without a key, then 1 MiB in 64 KiB pieces every 20 ms, then a KiB every 200 ms until stopped. */
    private static void slowUpload(Socket s, AtomicBoolean stop, CountDownLatch sentAMebibyte) {
        byte[] piece = new byte[64 * 1024];
        java.util.Arrays.fill(piece, (byte) 'a');
        boolean counted = false;
        try {
            OutputStream out = s.getOutputStream();
            out.write(head(null, TEN_MIB, "127.0.0.1").getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 16 && !stop.get(); i++) {
                out.write(piece);
                out.flush();
                Thread.sleep(20);
            }
            sentAMebibyte.countDown();
            counted = true;
            while (!stop.get()) {
                out.write(piece, 0, 1024);
                out.flush();
                Thread.sleep(200);
            }
        } catch (Exception closedByTheRelay) {
            // expected once the relay stops lingering
        } finally {
            if (!counted) {
                sentAMebibyte.countDown();
            }
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void bodiesHeldTogetherAreBoundedWith503AndASlowBodyGets408() throws Exception {
        String tenant = fx.tenant();
        assertThat(chat(tenant)).isEqualTo(200); // cached: the raw requests below need no lookup
        String key = "Authorization: Bearer " + tenant;
        int twoMib = 2 * 1024 * 1024;
        try (Socket slow = open(); Socket second = open()) {
            slow.getOutputStream().write(head(key, twoMib, address()).getBytes(StandardCharsets.ISO_8859_1));
            slow.getOutputStream().write("{\"model\":\"".getBytes(StandardCharsets.ISO_8859_1));
            slow.getOutputStream().flush();
            Fixture.sleep(300); // the slow body holds its 2 MiB reservation of the 3 MiB

            second.getOutputStream().write(head(key, twoMib, address()).getBytes(StandardCharsets.ISO_8859_1));
            second.getOutputStream().flush();
            BufferedReader answer = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.ISO_8859_1));
            assertThat(answer.readLine()).startsWith("HTTP/1.1 503");
            List<String> headers = new ArrayList<>();
            for (String line = answer.readLine(); line != null && !line.isEmpty(); line = answer.readLine()) {
                headers.add(line.toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(headers).contains("retry-after: 1");

            CompletableFuture<String> timedOut = CompletableFuture.supplyAsync(() -> {
                try {
                    return statusLine(slow);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            assertThat(timedOut.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 408");
        }
        // both reservations are given back
        assertThat(chat(tenant)).isEqualTo(200);
    }
}

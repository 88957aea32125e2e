package dev.switchboard.auth.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.service.LedgerService;
import dev.switchboard.auth.service.UserService;
import dev.switchboard.auth.store.UsageStreamStore;
import dev.switchboard.contracts.events.UsageEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import dev.switchboard.auth.repository.LedgerRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Consumes {@code sb:usage} in the {@code auth-ledger} consumer group, {@code batch-size} messages per
 * read (doubling up to {@code max-batch-size} while the group lags), each read settled in one transaction
 * and acknowledged only after the commit. Several replicas share the stream through the group (each its own
 * consumer name); a message whose settlement failed stays pending and is retried through XAUTOCLAIM like the
 * messages of a consumer that died, at most {@code max-attempts} times, then dead-lettered. Users whose
 * balance changed get their key snapshots rewritten once per batch; that Redis side of a batch overlaps the
 * reading and committing of the next one (auth-service README, "Ledger"; bench/RESULTS.md for the figures).
 */
@ApplicationScoped
public class LedgerConsumer {

    private static final Logger LOG = Logger.getLogger(LedgerConsumer.class);
    private static final int MAX_CLAIM_ROUNDS = 20;
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(10);

    private final UsageStreamStore stream;
    private final LedgerService ledger;
    private final UserService users;
    private final ObjectMapper mapper;
    private final AuthConfig config;
    private final MeterRegistry registry;

    private volatile boolean running;
    private Thread worker;
    private ExecutorService redisSide;
    private String consumerName;

    public LedgerConsumer(UsageStreamStore stream, LedgerService ledger, UserService users, ObjectMapper mapper,
            AuthConfig config, MeterRegistry registry) {
        this.stream = stream;
        this.ledger = ledger;
        this.users = users;
        this.mapper = mapper;
        this.config = config;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        consumerName = config.ledger().consumerName().filter(s -> !s.isBlank())
                .orElseGet(() -> System.getenv().getOrDefault("HOSTNAME", "auth-" + UUID.randomUUID()));
        if (!config.ledger().enabled()) {
            return;
        }
        running = true;
        redisSide = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("usage-ledger-redis").daemon().factory());
        worker = Thread.ofPlatform().name("usage-ledger").daemon().start(this::loop);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            try {
                worker.join(config.ledger().blockTimeout().toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (redisSide != null) {
            redisSide.shutdown();
        }
    }

    public String consumerName() {
        return consumerName;
    }

    /**
     * The background loop. A batch's Redis side (snapshots, unsettled spend, XACK) runs on its own thread while
     * this one reads and commits the next batch; before handing over the next batch it waits for the previous
     * one, so at most one batch is between its commit and its acknowledgement.
     */
    private void loop() {
        long nextReclaim = 0;
        int failures = 0;
        boolean groupReady = false;
        Future<?> inFlight = CompletableFuture.completedFuture(null);
        int count = config.ledger().batchSize();
        while (running) {
            try {
                if (!groupReady) {
                    stream.ensureGroup();
                    groupReady = true;
                }
                if (System.currentTimeMillis() >= nextReclaim) {
                    await(inFlight);
                    reclaimOnce();
                    nextReclaim = System.currentTimeMillis() + config.ledger().reclaimInterval().toMillis();
                }
                long started = System.nanoTime();
                List<StreamMessage<String, String, String>> batch = stream.readNew(consumerName, count, config.ledger().blockTimeout());
                int asked = count;
                count = nextReadSize(count, batch.size(), config.ledger().batchSize(), config.ledger().maxBatchSize());
                AfterCommit next = settle(batch);
                await(inFlight);
                inFlight = next.isEmpty() ? inFlight : redisSide.submit(next::run);
                failures = 0;
                sleep(lingerMs(asked, batch.size(), (System.nanoTime() - started) / 1_000_000, config.ledger().linger().toMillis()));
            } catch (RuntimeException e) {
                failures++;
                LOG.warnf("usage ledger poll failed (%s); retrying", e.getClass().getSimpleName());
                sleep(Math.min(30_000L, 500L * (1L << Math.min(failures, 6))));
            }
        }
        try {
            await(inFlight);
        } catch (RuntimeException e) {
            LOG.warnf("last usage batch not acknowledged (%s); it stays pending", e.getClass().getSimpleName());
        }
    }

    /**
     * While the group lags (a read came back full) the next read doubles, up to {@code max}, so the fixed
     * costs of a batch (its transaction, the snapshot refresh of every user in it, the round trips) are spread
     * over more events; once the consumer has caught up it reads {@code batch} again.
     */
    static int nextReadSize(int asked, int got, int batch, int max) {
        return got >= asked ? Math.min(Math.max(batch, max), asked * 2) : batch;
    }

    /**
     * How long to wait before the next read: after a partial read (caught up), what is left of {@code linger} since
     * that read started; nothing after a full read (behind) or an empty one (it blocked already).
     */
    static long lingerMs(int asked, int got, long elapsedMs, long lingerMs) {
        return got == 0 || got >= asked ? 0 : Math.max(0, lingerMs - elapsedMs);
    }

    /** Waits for the Redis side of the previous batch; its failure (XACK not sent) becomes this thread's. */
    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Reads and settles one batch of new messages, its Redis side included. @return how many messages were read */
    public int pollOnce(Duration block) {
        stream.ensureGroup();
        List<StreamMessage<String, String, String>> batch = stream.readNew(consumerName, config.ledger().batchSize(), block);
        settle(batch).run();
        return batch.size();
    }

    /** Takes over and settles messages left pending by dead consumers. @return how many were claimed */
    public int reclaimOnce() {
        stream.ensureGroup();
        String start = "0-0";
        int claimed = 0;
        for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
            ClaimedMessages<String, String, String> c = stream.claimIdle(consumerName, config.ledger().reclaimMinIdle(), start,
                    config.ledger().batchSize());
            if (c == null) {
                break;
            }
            List<StreamMessage<String, String, String>> messages = c.getMessages();
            claimed += messages.size();
            registry.counter("switchboard.ledger.reclaimed").increment(messages.size());
            settle(messages).run();
            start = c.getId();
            if (start == null || "0-0".equals(start)) {
                break;
            }
        }
        if (claimed > 0) {
            LOG.infof("reclaimed %d usage messages left pending by other consumers", claimed);
        }
        return claimed;
    }

    /**
     * Settles what was read, in one transaction for the whole batch, and returns what is left to do in Redis
     * after the commit, in this order: the debited users' snapshots refreshed (once per user per batch, the
     * writes pipelined), the relay's unsettled entries removed (one script per user, pipelined), then one
     * XACK. Settling before the refresh would let a relay see neither the debit nor the unsettled spend;
     * settling after it double-counts for a moment, which errs on the safe side.
     *
     * <p>When the batch transaction fails, each message is tried alone, so one poison message cannot hold
     * back the others; a message that fails alone (while PostgreSQL answers) has its failure counted in
     * {@code sb:usage:failures} and, after {@code max-attempts}, goes to {@code auth.usage_dead_letter} and is
     * acknowledged. While PostgreSQL does not answer nothing is counted: an outage is not a poison message.
     */
    private AfterCommit settle(List<StreamMessage<String, String, String>> batch) {
        if (batch.isEmpty()) {
            return new AfterCommit(Set.of(), Map.of(), List.of());
        }
        List<Parsed> valid = new ArrayList<>(batch.size());
        List<String> finished = new ArrayList<>();
        for (StreamMessage<String, String, String> m : batch) {
            String json = m.payload() == null ? null : m.payload().get(UsageEvent.FIELD);
            UsageEvent event = parse(json);
            String reason = event == null ? "not a usage event" : LedgerEvents.invalidReason(event);
            if (reason != null) {
                if (deadLetter(m.id(), event == null ? null : event.usageId(), json, event == null ? "invalid" : "invalid_field",
                        reason, 1)) {
                    finished.add(m.id());
                }
                continue;
            }
            valid.add(new Parsed(m.id(), new LedgerRepository.Row(usageId(event, m.id()), event)));
        }
        List<Parsed> settled = new ArrayList<>(valid.size());
        Set<Long> debited = new TreeSet<>();
        if (!valid.isEmpty()) {
            try {
                LedgerService.Settled s = ledger.settle(valid.stream().map(Parsed::row).toList());
                record(valid, s, settled, debited);
            } catch (RuntimeException batchFailure) {
                settleOneByOne(valid, settled, debited, payloads(batch));
            }
        }
        Map<Long, List<String>> byUser = new HashMap<>();
        for (Parsed p : settled) {
            byUser.computeIfAbsent(p.row().event().userId(), u -> new ArrayList<>()).add(p.row().usageId());
            finished.add(p.messageId());
        }
        return new AfterCommit(debited, byUser, finished);
    }

    /** The Redis side of a committed batch. @param finished entries to acknowledge (settled or dead-lettered) */
    private final class AfterCommit implements Runnable {
        private final Set<Long> debited;
        private final Map<Long, List<String>> usageIdsByUser;
        private final List<String> finished;

        AfterCommit(Set<Long> debited, Map<Long, List<String>> usageIdsByUser, List<String> finished) {
            this.debited = debited;
            this.usageIdsByUser = usageIdsByUser;
            this.finished = finished;
        }

        boolean isEmpty() {
            return debited.isEmpty() && usageIdsByUser.isEmpty() && finished.isEmpty();
        }

        /** @throws RuntimeException when the XACK fails (the entries stay pending and are reclaimed) */
        @Override
        public void run() {
            try {
                users.propagateAll(debited);
            } catch (RuntimeException e) {
                LOG.warnf("snapshots of %d users not refreshed after their debits (%s)", debited.size(), e.getClass().getSimpleName());
            }
            try {
                stream.settleUnsettled(usageIdsByUser, REDIS_TIMEOUT);
            } catch (RuntimeException e) {
                // The entries expire with the hash; until then the relay over-counts these requests' spend.
                LOG.warnf("unsettled spend of %d users not cleared (%s)", usageIdsByUser.size(), e.getClass().getSimpleName());
            }
            stream.ack(finished);
            stream.forgetFailures(finished);
        }
    }

    private record Parsed(String messageId, LedgerRepository.Row row) {
    }

    private void record(List<Parsed> tried, LedgerService.Settled s, List<Parsed> settled, Set<Long> debited) {
        int inserted = 0;
        for (Parsed p : tried) {
            settled.add(p);
            if (s.inserted().contains(p.row().usageId())) {
                inserted++;
            }
        }
        debited.addAll(s.debitedUsers());
        count("settled", inserted);
        count("duplicate", tried.size() - inserted);
    }

    private void settleOneByOne(List<Parsed> valid, List<Parsed> settled, Set<Long> debited, Map<String, String> payloads) {
        for (Parsed p : valid) {
            try {
                record(List.of(p), ledger.settle(List.of(p.row())), settled, debited);
            } catch (RuntimeException e) {
                if (!ledger.databaseReachable()) {
                    count("failed", 1);
                    LOG.warnf("usage messages not settled: PostgreSQL unreachable (%s); left pending", e.getClass().getSimpleName());
                    return;
                }
                count("failed", 1);
                long failures = stream.countFailure(p.messageId());
                String reason = LedgerEvents.failureReason(e);
                if (failures >= config.ledger().maxAttempts()) {
                    if (deadLetter(p.messageId(), p.row().usageId(), payloads.get(p.messageId()), "settlement_failed", reason,
                            (int) failures)) {
                        stream.ack(List.of(p.messageId()));
                        stream.forgetFailures(List.of(p.messageId()));
                    }
                } else {
                    LOG.warnf("usage message %s not settled (%s), attempt %d of %d; left pending", p.messageId(), reason, failures,
                            config.ledger().maxAttempts());
                }
            }
        }
    }

    private boolean deadLetter(String messageId, String usageId, String payload, String kind, String reason, int attempts) {
        try {
            ledger.deadLetter(messageId, usageId, LedgerEvents.storable(payload), reason, attempts);
        } catch (RuntimeException e) {
            LOG.warnf("usage message %s not dead-lettered (%s); left pending", messageId, e.getClass().getSimpleName());
            return false;
        }
        count("dead_letter", 1);
        registry.counter("switchboard.ledger.dead.letters", "reason", kind).increment();
        LOG.warnf("usage message %s dead-lettered after %d attempt(s): %s", messageId, attempts, reason);
        return true;
    }

    private static Map<String, String> payloads(List<StreamMessage<String, String, String>> batch) {
        Map<String, String> out = new HashMap<>();
        for (StreamMessage<String, String, String> m : batch) {
            out.put(m.id(), m.payload() == null ? null : m.payload().get(UsageEvent.FIELD));
        }
        return out;
    }

    /**
     * The ledger key of a message: the relay's usage id; for an event of a relay older than that field, the
     * stream entry id (unique per appended event), never the client's request id.
     */
    static String usageId(UsageEvent e, String messageId) {
        return e.usageId() != null ? e.usageId() : "stream:" + messageId;
    }

    private UsageEvent parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            UsageEvent e = mapper.readValue(json, UsageEvent.class);
            return e;
        } catch (Exception e) {
            return null;
        }
    }

    private void count(String outcome, int n) {
        if (n > 0) {
            registry.counter("switchboard.ledger.events", "outcome", outcome).increment(n);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

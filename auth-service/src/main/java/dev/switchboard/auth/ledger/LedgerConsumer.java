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
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Consumes {@code sb:usage} in the {@code auth-ledger} consumer group. Each message is settled in
 * its own transaction and acknowledged only after the commit; a message whose settlement failed
 * stays pending and is retried through XAUTOCLAIM, like the messages of a consumer that died.
 * Users whose balance changed get their key snapshots rewritten once per batch.
 */
@ApplicationScoped
public class LedgerConsumer {

    private static final Logger LOG = Logger.getLogger(LedgerConsumer.class);
    private static final int MAX_CLAIM_ROUNDS = 20;

    @Inject
    UsageStreamStore stream;
    @Inject
    LedgerService ledger;
    @Inject
    UserService users;
    @Inject
    ObjectMapper mapper;
    @Inject
    AuthConfig config;
    @Inject
    MeterRegistry registry;

    private volatile boolean running;
    private Thread worker;
    private String consumerName;

    void start(@Observes StartupEvent event) {
        consumerName = config.ledger().consumerName().filter(s -> !s.isBlank())
                .orElseGet(() -> System.getenv().getOrDefault("HOSTNAME", "auth-" + UUID.randomUUID()));
        if (!config.ledger().enabled()) {
            return;
        }
        running = true;
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
    }

    public String consumerName() {
        return consumerName;
    }

    private void loop() {
        long nextReclaim = 0;
        int failures = 0;
        boolean groupReady = false;
        while (running) {
            try {
                if (!groupReady) {
                    stream.ensureGroup();
                    groupReady = true;
                }
                if (System.currentTimeMillis() >= nextReclaim) {
                    reclaimOnce();
                    nextReclaim = System.currentTimeMillis() + config.ledger().reclaimInterval().toMillis();
                }
                pollOnce(config.ledger().blockTimeout());
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                LOG.warnf("usage ledger poll failed (%s); retrying", e.getClass().getSimpleName());
                sleep(Math.min(30_000L, 500L * (1L << Math.min(failures, 6))));
            }
        }
    }

    /** Reads and settles one batch of new messages. @return how many messages were read */
    public int pollOnce(Duration block) {
        stream.ensureGroup();
        List<StreamMessage<String, String, String>> batch = stream.readNew(consumerName, config.ledger().batchSize(), block);
        settle(batch);
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
            settle(messages);
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
     * Order per message: ledger row + debit committed, user snapshots refreshed, the relay's unsettled
     * entry for the request removed, then XACK. Settling before the refresh would let a relay see
     * neither the debit nor the unsettled spend; settling after it double-counts for a moment, which
     * errs on the safe side.
     */
    private void settle(List<StreamMessage<String, String, String>> batch) {
        Set<Long> changedUsers = new LinkedHashSet<>();
        List<StreamMessage<String, String, String>> done = new ArrayList<>();
        List<UsageEvent> doneEvents = new ArrayList<>();
        for (StreamMessage<String, String, String> m : batch) {
            String json = m.payload() == null ? null : m.payload().get(UsageEvent.FIELD);
            UsageEvent event = parse(json);
            if (event == null) {
                count("invalid");
                stream.ack(m.id());
                LOG.warnf("usage message %s is not a usage event; acknowledged and skipped", m.id());
                continue;
            }
            LedgerService.Outcome outcome;
            try {
                outcome = ledger.record(event);
            } catch (RuntimeException e) {
                // Not acknowledged: stays pending and is retried by the next reclaim.
                count("failed");
                LOG.warnf("usage message %s not settled (%s); left pending", m.id(), e.getClass().getSimpleName());
                continue;
            }
            count(outcome.name().toLowerCase());
            if (outcome == LedgerService.Outcome.DEBITED) {
                changedUsers.add(event.userId());
            }
            done.add(m);
            doneEvents.add(event);
        }
        for (Long userId : changedUsers) {
            try {
                users.propagate(userId);
            } catch (RuntimeException e) {
                LOG.warnf("snapshots of user %d not refreshed after a debit (%s)", userId, e.getClass().getSimpleName());
            }
        }
        for (int i = 0; i < done.size(); i++) {
            UsageEvent event = doneEvents.get(i);
            try {
                stream.settleUnsettled(event.userId(), event.requestId());
            } catch (RuntimeException e) {
                // The entry expires with the hash; until then the relay over-counts this request's spend.
                LOG.warnf("unsettled spend of message %s not cleared (%s)", done.get(i).id(), e.getClass().getSimpleName());
            }
            stream.ack(done.get(i).id());
        }
    }

    private UsageEvent parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            UsageEvent e = mapper.readValue(json, UsageEvent.class);
            if (e.requestId() == null || e.requestId().isBlank() || e.requestId().length() > 128) {
                return null;
            }
            return e;
        } catch (Exception e) {
            return null;
        }
    }

    private void count(String outcome) {
        registry.counter("switchboard.ledger.events", "outcome", outcome).increment();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

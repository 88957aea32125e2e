package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.LedgerRepository;
import dev.switchboard.auth.repository.LedgerRepository.Inserted;
import dev.switchboard.auth.repository.LedgerRepository.Row;
import dev.switchboard.contracts.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settles usage events: ledger rows and balance debits in one transaction, at most once per usage id.
 * A batch costs a fixed number of statements whatever its size: one multi-row insert, one debit per
 * user (summed over the batch, in one statement for all users) and one last-used stamp per key.
 */
@ApplicationScoped
public class LedgerService {

    public enum Outcome {
        /** New row; the user's balance changed (their snapshots must be refreshed). */
        DEBITED,
        /** New row; the user has no metered balance or the cost was zero. */
        RECORDED,
        /** The usage id was already in the ledger: nothing changed. */
        DUPLICATE
    }

    /** What one batch changed. @param inserted usage ids newly written @param debitedUsers users whose balance moved */
    public record Settled(Set<String> inserted, Set<Long> debitedUsers) {
    }

    private final LedgerRepository ledger;

    public LedgerService(LedgerRepository ledger) {
        this.ledger = ledger;
    }

    @Transactional
    public Outcome record(String usageId, UsageEvent e) {
        Settled s = settle(List.of(new Row(usageId, e)));
        if (s.inserted().isEmpty()) {
            return Outcome.DUPLICATE;
        }
        return s.debitedUsers().isEmpty() ? Outcome.RECORDED : Outcome.DEBITED;
    }

    /** One transaction for the whole batch; a failure rolls all of it back. */
    @Transactional
    public Settled settle(List<Row> rows) {
        List<Inserted> inserted = ledger.insertAll(rows);
        Map<Long, BigDecimal> debits = new HashMap<>();
        Map<Long, Instant> lastUse = new HashMap<>();
        Set<String> ids = new java.util.HashSet<>(inserted.size() * 2);
        for (Inserted i : inserted) {
            ids.add(i.usageId());
            if (i.costUsd() != null && i.costUsd().signum() != 0) {
                debits.merge(i.userId(), i.costUsd(), BigDecimal::add);
            }
            lastUse.merge(i.apiKeyId(), i.at(), (a, b) -> a.isAfter(b) ? a : b);
        }
        debits.values().removeIf(v -> v.signum() == 0);
        Set<Long> debited = ledger.debitAll(debits);
        ledger.touchKeys(lastUse);
        return new Settled(ids, debited);
    }

    /** Keeps a message that cannot be settled, in its own transaction. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void deadLetter(String messageId, String usageId, String payload, String reason, int attempts) {
        ledger.deadLetter(messageId, usageId, payload, reason, attempts);
    }

    /** Whether PostgreSQL answers at all: tells a poison message from an outage. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean databaseReachable() {
        try {
            return ledger.ping();
        } catch (RuntimeException e) {
            return false;
        }
    }
}

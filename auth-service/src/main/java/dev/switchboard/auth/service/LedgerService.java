package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.LedgerRepository;
import dev.switchboard.contracts.events.UsageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;

/** Settles one usage event: ledger row and balance debit in one transaction, at most once per request id. */
@ApplicationScoped
public class LedgerService {

    public enum Outcome {
        /** New row; the user's balance changed (their snapshots must be refreshed). */
        DEBITED,
        /** New row; the user has no metered balance or the cost was zero. */
        RECORDED,
        /** The request id was already in the ledger: nothing changed. */
        DUPLICATE
    }

    @Inject
    LedgerRepository ledger;
    @Inject
    UserService users;

    @Transactional
    public Outcome record(UsageEvent e) {
        if (!ledger.insert(e)) {
            return Outcome.DUPLICATE;
        }
        ledger.touchKey(e.apiKeyId(), Instant.ofEpochMilli(e.timestampMs()));
        return users.debit(e.userId(), e.costUsd()) ? Outcome.DEBITED : Outcome.RECORDED;
    }
}

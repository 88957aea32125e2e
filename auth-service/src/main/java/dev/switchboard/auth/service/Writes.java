package dev.switchboard.auth.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.OptimisticLockException;
import java.util.concurrent.Callable;
import org.hibernate.StaleStateException;

/**
 * A management write in its own transaction, under optimistic locking: users, groups and keys carry a
 * {@code row_version} ({@code @Version}), so of two concurrent writers of one row the later one fails
 * instead of writing back what it read before the other committed. The loser gets 409 with a problem body
 * and may read the row again and retry. Entities are {@code @DynamicUpdate}: a write sets only the columns
 * it changed, so a name PATCH never rewrites the balance the ledger is debiting or the status a revoke set.
 */
final class Writes {

    private Writes() {
    }

    static <T> T call(String kind, long id, Callable<T> work) {
        try {
            return QuarkusTransaction.requiringNew().call(work);
        } catch (RuntimeException e) {
            if (stale(e)) {
                throw ProblemException.conflict(kind + " " + id + " was changed by a concurrent request; read it again and retry",
                        null, null);
            }
            throw e;
        }
    }

    /**
     * The same for a write that must not lose to a concurrent edit (a status change: a revoke racing a PATCH
     * must still revoke): on a conflict the work runs again on the fresh row, up to three times.
     */
    static <T> T callRetrying(String kind, long id, Callable<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(work);
            } catch (RuntimeException e) {
                if (!stale(e)) {
                    throw e;
                }
                if (attempt == 3) {
                    throw ProblemException.conflict(kind + " " + id + " was changed by a concurrent request; retry", null, null);
                }
            }
        }
    }

    private static boolean stale(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OptimisticLockException || t instanceof StaleStateException) {
                return true;
            }
        }
        return false;
    }
}

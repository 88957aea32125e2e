package dev.switchboard.auth.ledger;

import dev.switchboard.contracts.UsageIds;
import dev.switchboard.contracts.events.UsageEvent;
import java.math.BigDecimal;
import java.sql.SQLException;

/**
 * What the ledger can store: the bounds of {@code auth.usage_ledger}'s columns, checked before the insert so an
 * event that can never be written is dead-lettered at once instead of failing its whole batch again and again.
 */
final class LedgerEvents {

    static final int MAX_NAME = 256;
    static final int MAX_REQUEST_ID = 128;
    /** NUMERIC(20, 8): twelve digits before the point. */
    static final BigDecimal MAX_COST = new BigDecimal("1000000000000");
    static final int MAX_PAYLOAD = 16_384;

    private LedgerEvents() {
    }

    /** Why the event can never be settled, or null when it can. */
    static String invalidReason(UsageEvent e) {
        if (e.usageId() != null && (e.usageId().isBlank() || e.usageId().length() > UsageIds.MAX_LENGTH || hasControl(e.usageId()))) {
            return "usageId is blank, longer than " + UsageIds.MAX_LENGTH + " characters or has control characters";
        }
        String r = name("requestId", e.requestId(), MAX_REQUEST_ID);
        r = r != null ? r : name("requestedModel", e.requestedModel(), MAX_NAME);
        r = r != null ? r : name("resolvedVia", e.resolvedVia(), MAX_NAME);
        r = r != null ? r : name("provider", e.provider(), MAX_NAME);
        r = r != null ? r : name("upstreamModel", e.upstreamModel(), MAX_NAME);
        if (r != null) {
            return r;
        }
        if (e.promptTokens() < 0 || e.completionTokens() < 0 || e.latencyMs() < 0 || (e.ttfbMs() != null && e.ttfbMs() < 0)
                || e.attempts() < 0) {
            return "a token count, attempt count or duration is negative";
        }
        if (e.costUsd() != null && (e.costUsd().signum() < 0 || e.costUsd().compareTo(MAX_COST) >= 0)) {
            return "costUsd is negative or not below " + MAX_COST.toPlainString();
        }
        return null;
    }

    private static String name(String field, String v, int max) {
        if (v == null) {
            return null;
        }
        if (v.length() > max) {
            return field + " is longer than " + max + " characters";
        }
        return hasControl(v) ? field + " has control characters" : null;
    }

    private static boolean hasControl(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A settlement failure as a reason: the exception class and SQL state, never the message (it may quote
     * the statement or a value).
     */
    static String failureReason(Throwable e) {
        String state = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "settlement failed: " + root.getClass().getSimpleName() + (state == null ? "" : " (SQL state " + state + ")");
    }

    /** The payload as PostgreSQL text can keep it: NUL escaped (text refuses it), cut at 16 KiB. */
    static String storable(String payload) {
        if (payload == null) {
            return null;
        }
        String p = payload.length() > MAX_PAYLOAD ? payload.substring(0, MAX_PAYLOAD) : payload;
        return p.indexOf('\0') < 0 ? p : p.replace("\0", "\\u0000");
    }
}

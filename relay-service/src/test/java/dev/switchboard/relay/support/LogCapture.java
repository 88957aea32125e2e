package dev.switchboard.relay.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the log records a predicate picks while open (a handler on the root logger). */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Predicate<LogRecord> picked;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Predicate<LogRecord> picked) {
        this.picked = picked;
    }

    public static LogCapture start(Predicate<LogRecord> picked) {
        LogCapture c = new LogCapture(picked);
        Logger.getLogger("").addHandler(c);
        return c;
    }

    /** What was picked so far, in order. */
    public List<LogRecord> records() {
        return records;
    }

    /** The picked records' messages, parameters filled in: a live view. */
    public List<String> messages() {
        return new java.util.AbstractList<>() {
            @Override
            public String get(int i) {
                return formatted(records.get(i));
            }

            @Override
            public int size() {
                return records.size();
            }
        };
    }

    /** A record's message with its parameters filled in. */
    public static String formatted(LogRecord r) {
        return r instanceof org.jboss.logmanager.ExtLogRecord e ? e.getFormattedMessage() : r.getMessage();
    }

    @Override
    public void publish(LogRecord r) {
        if (picked.test(r)) {
            records.add(r);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}

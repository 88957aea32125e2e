package dev.switchboard.relay.support;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/** The last spans the relay exported, in memory (bounded: every test class runs with it). */
@Singleton
public class RecentSpans implements SpanExporter {

    private static final int KEEP = 2000;
    private final Deque<SpanData> spans = new ArrayDeque<>();

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> batch) {
        for (SpanData s : batch) {
            spans.addLast(s);
            if (spans.size() > KEEP) {
                spans.removeFirst();
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    public synchronized List<SpanData> ofTrace(String traceId) {
        List<SpanData> out = new ArrayList<>();
        for (SpanData s : spans) {
            if (s.getTraceId().equals(traceId)) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}

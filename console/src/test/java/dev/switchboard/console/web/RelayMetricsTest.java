package dev.switchboard.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayMetricsTest {

    static final String TEXT = """
            # HELP switchboard_relay_requests_total
            # TYPE switchboard_relay_requests_total counter
            switchboard_relay_requests_total{endpoint="chat",model="m",provider="p",status="200"} 90.0
            switchboard_relay_requests_total{endpoint="chat",model="m",provider="p",status="503"} 7.0
            switchboard_relay_requests_total{endpoint="embeddings",model="none",provider="none",status="502"} 3.0
            switchboard_relay_failovers_total{provider="p",reason="rate_limited"} 4.0
            switchboard_relay_upstream_duration_seconds_bucket{outcome="ok",provider="p",le="0.1"} 10.0
            switchboard_relay_upstream_duration_seconds_bucket{outcome="ok",provider="q",le="0.1"} 5.0
            switchboard_relay_upstream_duration_seconds_bucket{outcome="ok",provider="p",le="+Inf"} 20.0
            switchboard_relay_upstream_ttfb_seconds_bucket{provider="p",le="0.1"} 99.0
            switchboard_relay_overhead_seconds_bucket{endpoint="chat",le="0.001"} 8.0
            switchboard_relay_overhead_seconds_count{endpoint="chat"} 8.0
            """;

    @Test
    void sumsRequestsErrorsAndFailoversOverTheirLabels() {
        RelayMetrics m = RelayMetrics.parse(TEXT);
        assertThat(m.requests()).isEqualTo(100.0);
        assertThat(m.errors()).isEqualTo(10.0);
        assertThat(m.failovers()).isEqualTo(4.0);
    }

    @Test
    void mergesHistogramBucketsByUpperBoundAndWritesInfinityAsMinusOne() {
        RelayMetrics m = RelayMetrics.parse(TEXT);
        assertThat(m.upstream()).hasSize(2);
        assertThat(m.upstream().get(0)).containsExactly(0.1, 15.0);
        assertThat(m.upstream().get(1)).containsExactly(-1, 20.0);
        assertThat(m.overhead()).hasSize(1);
    }

    @Test
    void csvCellsAreQuotedAndNeverStartAFormula() {
        assertThat(UsageExportResource.cell("plain")).isEqualTo("plain");
        assertThat(UsageExportResource.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(UsageExportResource.cell("=HYPERLINK(1)")).isEqualTo("'=HYPERLINK(1)");
        assertThat(UsageExportResource.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }
}

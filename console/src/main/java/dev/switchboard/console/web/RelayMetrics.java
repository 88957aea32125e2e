package dev.switchboard.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The few relay series the dashboard needs, summed over their labels, from the Prometheus text format.
 * Cumulative values only; rates and quantiles come from the difference of two readings.
 *
 * @param requests every relayed request ({@code switchboard_relay_requests_total})
 * @param errors those answered 5xx
 * @param failovers {@code switchboard_relay_failovers_total}
 * @param upstream {@code switchboard_relay_upstream_duration_seconds} buckets (upper bound → count)
 * @param overhead {@code switchboard_relay_overhead_seconds} buckets
 */
public record RelayMetrics(double requests, double errors, double failovers, List<double[]> upstream,
        List<double[]> overhead) {

    static RelayMetrics parse(String text) {
        double requests = 0, errors = 0, failovers = 0;
        Map<Double, Double> upstream = new TreeMap<>(), overhead = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            String series = line.substring(0, space);
            if (series.startsWith("switchboard_relay_requests_total")) {
                requests += value;
                if (label(series, "status").startsWith("5")) {
                    errors += value;
                }
            } else if (series.startsWith("switchboard_relay_failovers_total")) {
                failovers += value;
            } else if (series.startsWith("switchboard_relay_upstream_duration_seconds_bucket")) {
                upstream.merge(le(series), value, Double::sum);
            } else if (series.startsWith("switchboard_relay_overhead_seconds_bucket")) {
                overhead.merge(le(series), value, Double::sum);
            }
        }
        return new RelayMetrics(requests, errors, failovers, pairs(upstream), pairs(overhead));
    }

    private static double le(String series) {
        String le = label(series, "le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    private static String label(String series, String name) {
        int at = series.indexOf("{" + name + "=\"");
        if (at < 0) {
            at = series.indexOf("," + name + "=\"");
        }
        if (at < 0) {
            return "";
        }
        int from = at + name.length() + 3;
        return series.substring(from, series.indexOf('"', from));
    }

    /** Infinite bounds become -1 so the document stays valid JSON. */
    private static List<double[]> pairs(Map<Double, Double> buckets) {
        List<double[]> out = new ArrayList<>();
        buckets.forEach((le, count) -> out.add(new double[] {le.isInfinite() ? -1 : le, count}));
        return out;
    }
}

package dev.switchboard.auth.service;

import dev.switchboard.admin.FieldError;
import dev.switchboard.auth.repository.UsageReportRepository;
import dev.switchboard.auth.repository.UsageReportRepository.Row;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Usage by key, user, group, model or day, with totals. */
@ApplicationScoped
public class UsageService {

    private final UsageReportRepository reports;

    public UsageService(UsageReportRepository reports) {
        this.reports = reports;
    }

    public record Totals(long requests, long promptTokens, long completionTokens, BigDecimal costUsd) {
    }

    public record Report(String groupBy, Instant from, Instant to, List<Row> rows, Totals totals) {
    }

    /** {@code from}/{@code to}: ISO date (UTC day start) or instant; {@code to} exclusive; default the last 30 days. */
    public Report report(String groupBy, String fromText, String toText) {
        List<FieldError> errors = new ArrayList<>();
        String by = groupBy == null ? "day" : groupBy;
        if (!UsageReportRepository.GROUP_EXPRESSIONS.containsKey(by)) {
            errors.add(new FieldError("groupBy", "must be one of key, user, group, model, day"));
        }
        Instant to = parse("to", toText, errors);
        Instant from = parse("from", fromText, errors);
        if (to == null && toText == null) {
            to = Instant.now();
        }
        if (from == null && fromText == null && to != null) {
            from = to.minus(Duration.ofDays(30));
        }
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new FieldError("from", "must be before to"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Instant f = from;
        Instant t = to;
        List<Row> rows = QuarkusTransaction.requiringNew().call(() -> reports.aggregate(by, f, t));
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (Row r : rows) {
            requests += r.requests();
            prompt += r.promptTokens();
            completion += r.completionTokens();
            cost = cost.add(r.costUsd());
        }
        return new Report(by, f, t, rows, new Totals(requests, prompt, completion, cost));
    }

    private static Instant parse(String field, String text, List<FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be a date (2026-11-01) or an instant (2026-11-01T00:00:00Z)"));
            return null;
        }
    }
}

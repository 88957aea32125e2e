package dev.switchboard.relay.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/** Body of {@code GET /v1/usage}: spend so far and what remains of each limit (null = unlimited). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UsageReport(
        String object,
        String date,
        String week,
        String month,
        KeyUsage key,
        GroupUsage group,
        UserUsage user,
        Limits limits) {

    /** @param requestsThisMinute requests in the last minute (sliding window when the key has an rpm limit, else finished requests in the current clock minute) */
    public record KeyUsage(long id, String name, String prefix, @JsonProperty("requests_this_minute") long requestsThisMinute) {
    }

    public record GroupUsage(long id, String name,
            @JsonProperty("today_usd") BigDecimal todayUsd,
            @JsonProperty("week_usd") BigDecimal weekUsd,
            @JsonProperty("month_usd") BigDecimal monthUsd) {
    }

    /** @param unsettledUsd spend not yet deducted from {@code balance_usd} by the ledger */
    public record UserUsage(long id,
            @JsonProperty("today_usd") BigDecimal todayUsd,
            @JsonProperty("month_usd") BigDecimal monthUsd,
            @JsonProperty("balance_usd") BigDecimal balanceUsd,
            @JsonProperty("unsettled_usd") BigDecimal unsettledUsd,
            @JsonProperty("in_flight") long inFlight) {
    }

    public record Limits(
            @JsonProperty("requests_per_minute") Limit requestsPerMinute,
            Limit concurrency,
            @JsonProperty("daily_usd") Limit dailyUsd,
            @JsonProperty("weekly_usd") Limit weeklyUsd,
            @JsonProperty("monthly_usd") Limit monthlyUsd,
            @JsonProperty("balance_usd") Limit balanceUsd) {
    }

    /** @param limit null = unlimited; @param remaining null = unlimited, never below zero */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Limit(Number limit, Number used, Number remaining) {

        static Limit of(Long limit, long used) {
            return new Limit(limit, used, limit == null ? null : Math.max(0, limit - used));
        }

        static Limit of(BigDecimal limit, BigDecimal used) {
            return new Limit(limit, used, limit == null ? null : limit.subtract(used).max(BigDecimal.ZERO));
        }
    }
}

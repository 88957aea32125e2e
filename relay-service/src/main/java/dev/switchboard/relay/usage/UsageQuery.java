package dev.switchboard.relay.usage;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.relay.limits.LimitsConfig;
import dev.switchboard.relay.limits.SpendPeriod;
import dev.switchboard.relay.store.UsageStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Builds the tenant's usage report from the counters in Redis (one pipelined read). */
@ApplicationScoped
public class UsageQuery {

    private final UsageStore store;
    private final LimitsConfig config;

    public UsageQuery(UsageStore store, LimitsConfig config) {
        this.store = store;
        this.config = config;
    }

    public Uni<UsageReport> report(ApiKeySnapshot key) {
        long now = System.currentTimeMillis();
        Instant at = Instant.ofEpochMilli(now);
        GroupSnapshot g = key.group();
        long groupId = g == null ? key.groupId() : g.id();
        String day = SpendPeriod.DAY.id(at);
        String week = SpendPeriod.WEEK.id(at);
        String month = SpendPeriod.MONTH.id(at);
        List<String> counters = List.of(
                RedisKeys.groupSpend(groupId, day), RedisKeys.groupSpend(groupId, week), RedisKeys.groupSpend(groupId, month),
                UsageStore.userPeriodSpend(key.userId(), day), UsageStore.userPeriodSpend(key.userId(), month),
                UsageStore.minuteRequests(key.userId(), key.apiKeyId(), now / 60_000));
        long windowMs = config.rateWindow().toMillis();
        return store.snapshot(counters, key.apiKeyId(), key.userId(), now, windowMs).map(s -> {
            List<Long> c = s.counters();
            BigDecimal groupDay = SpendPeriod.usd(c.get(0));
            BigDecimal groupWeek = SpendPeriod.usd(c.get(1));
            BigDecimal groupMonth = SpendPeriod.usd(c.get(2));
            UserSnapshot u = key.user();
            BigDecimal balance = u == null ? null : u.balanceUsd();
            BigDecimal unsettled = SpendPeriod.usd(s.unsettledMicros());
            Integer rpm = key.rpmLimit();
            long requests = rpm != null ? s.requestsInWindow() : c.get(5);
            Integer concurrency = u == null ? null : u.concurrency();
            UsageReport.Limits limits = new UsageReport.Limits(
                    UsageReport.Limit.of(rpm == null ? null : rpm.longValue(), requests),
                    UsageReport.Limit.of(concurrency == null ? null : concurrency.longValue(), s.liveLeases()),
                    UsageReport.Limit.of(g == null ? null : g.dailyLimitUsd(), groupDay),
                    UsageReport.Limit.of(g == null ? null : g.weeklyLimitUsd(), groupWeek),
                    UsageReport.Limit.of(g == null ? null : g.monthlyLimitUsd(), groupMonth),
                    UsageReport.Limit.of(balance, unsettled));
            return new UsageReport("usage", day.substring(4), week.substring(5), month.substring(6),
                    new UsageReport.KeyUsage(key.apiKeyId(), key.name(), key.keyPrefix(), requests),
                    new UsageReport.GroupUsage(groupId, g == null ? null : g.name(), groupDay, groupWeek, groupMonth),
                    new UsageReport.UserUsage(key.userId(), SpendPeriod.usd(c.get(3)), SpendPeriod.usd(c.get(4)),
                            balance, unsettled, s.liveLeases()),
                    limits);
        });
    }
}

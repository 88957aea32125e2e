package dev.switchboard.relay.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/**
 * The three budget periods of a group, in UTC. Counter names are the period suffix of
 * {@code RedisKeys.groupSpend}: {@code day:2026-11-21}, {@code week:2026-W47} (ISO week),
 * {@code month:2026-11}.
 */
public enum SpendPeriod {
    DAY, WEEK, MONTH;

    /** Ids and ends of the three periods around one UTC day. */
    private record Day(long epochDay, String[] ids, Instant[] ends) {
    }

    /** The day most recently asked for: ids are built once a day, not per request. */
    private static volatile Day today;

    private static Day day(Instant at) {
        long epochDay = Math.floorDiv(at.getEpochSecond(), 86_400L);
        Day d = today;
        if (d == null || d.epochDay() != epochDay) {
            SpendPeriod[] all = values();
            String[] ids = new String[all.length];
            Instant[] ends = new Instant[all.length];
            for (SpendPeriod p : all) {
                ids[p.ordinal()] = p.computeId(at);
                ends[p.ordinal()] = p.computeEnd(at);
            }
            d = new Day(epochDay, ids, ends);
            today = d;
        }
        return d;
    }

    /** Counter suffix of the period containing {@code at}. */
    public String id(Instant at) {
        return day(at).ids()[ordinal()];
    }

    /** First instant after the period containing {@code at}. */
    public Instant end(Instant at) {
        return day(at).ends()[ordinal()];
    }

    private String computeId(Instant at) {
        LocalDate d = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return switch (this) {
            case DAY -> "day:" + d;
            case WEEK -> String.format("week:%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> String.format("month:%d-%02d", d.getYear(), d.getMonthValue());
        };
    }

    private Instant computeEnd(Instant at) {
        LocalDate d = LocalDate.ofInstant(at, ZoneOffset.UTC);
        LocalDate next = switch (this) {
            case DAY -> d.plusDays(1);
            case WEEK -> d.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
            case MONTH -> d.with(TemporalAdjusters.firstDayOfNextMonth());
        };
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** "daily", "weekly" or "monthly". */
    public String adjective() {
        return switch (this) {
            case DAY -> "daily";
            case WEEK -> "weekly";
            case MONTH -> "monthly";
        };
    }

    /** USD → integer micro-USD (HALF_UP), the unit of every spend counter. */
    public static long micros(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Integer micro-USD → USD with scale 6. */
    public static BigDecimal usd(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }
}

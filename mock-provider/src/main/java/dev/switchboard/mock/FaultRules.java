package dev.switchboard.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Programmatic fault rules, first match wins; a rule with a count is used up atomically. */
final class FaultRules {

    /** A rule as currently active, for {@code GET /mock/faults}. */
    record Active(FaultRule rule, int remaining) {
    }

    private static final class Slot {
        final FaultRule rule;
        final Fault fault;
        /** -1 = forever. */
        final AtomicInteger remaining;

        Slot(FaultRule rule) {
            this.rule = rule;
            this.fault = Fault.parse(rule.fault());
            this.remaining = new AtomicInteger(rule.times());
        }

        boolean tryUse() {
            while (true) {
                int r = remaining.get();
                if (r == -1) {
                    return true;
                }
                if (r == 0) {
                    return false;
                }
                if (remaining.compareAndSet(r, r - 1)) {
                    return true;
                }
            }
        }
    }

    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
    /** When each model first saw a {@code flap} fault (System.nanoTime); cleared with the rules. */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> flapStarts = new java.util.concurrent.ConcurrentHashMap<>();

    void add(FaultRule rule) {
        slots.add(new Slot(rule));
    }

    void clear() {
        slots.clear();
        flapStarts.clear();
    }

    /** When {@code model} first met a flap fault: {@code now} for its first request, the same value afterwards. */
    long flapStart(String model, long now) {
        return flapStarts.computeIfAbsent(model, m -> now);
    }

    boolean isEmpty() {
        return slots.isEmpty();
    }

    /** The fault of the first matching rule with uses left (using one up), else {@link Fault#NONE}. */
    Fault take(String apiKey, String model) {
        for (Slot s : slots) {
            if (s.rule.matches(apiKey, model) && s.tryUse()) {
                if (s.remaining.get() == 0) {
                    slots.remove(s);
                }
                return s.fault;
            }
        }
        return Fault.NONE;
    }

    List<Active> active() {
        List<Active> out = new ArrayList<>();
        for (Slot s : slots) {
            int r = s.remaining.get();
            if (r != 0) {
                out.add(new Active(s.rule, r));
            }
        }
        return out;
    }
}

package dev.switchboard.relay.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** CooldownService without Redis: the policy's arithmetic on a map, at a clock the test moves. */
final class MemoryCooldowns implements CooldownView, CooldownSink {

    final Map<String, CooldownState> entries = new HashMap<>();
    final List<String> writes = new ArrayList<>();
    final CooldownPolicy policy;
    long now;

    MemoryCooldowns(long now) {
        this(new CooldownPolicy(FailoverSettings.defaults()), now);
    }

    MemoryCooldowns(CooldownPolicy policy, long now) {
        this.policy = policy;
        this.now = now;
    }

    @Override
    public CooldownState get(String scope) {
        return entries.get(scope);
    }

    @Override
    public CooldownState onFailure(Candidate c, FailoverDecision d) {
        if (d.scope() == null) {
            return null;
        }
        String scope = d.scope().of(c);
        CooldownState next = policy.next(entries.get(scope), scope, d, now, "r1");
        entries.put(scope, next);
        writes.add(scope);
        return next;
    }

    @Override
    public void onSuccess(Candidate c) {
        for (String scope : CooldownScope.all(c)) {
            CooldownState s = entries.get(scope);
            if (s != null && !s.activeAt(now)) {
                entries.remove(scope);
            }
        }
    }

    void put(CooldownState s) {
        entries.put(s.scope(), s);
    }
}

package dev.switchboard.relay.dialect;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.relay.routing.Attempt;
import dev.switchboard.relay.routing.Skip;
import java.util.List;

/**
 * The attempts and skips an exhausted chain reports inside its error object, so an operator can see why
 * nothing served. Never carries a secret: provider names, model names and key labels only.
 */
public record ExhaustionDetail(List<AttemptView> attempts, List<SkipView> skipped) {

    public record AttemptView(String provider, String model, String key, int status, String reason,
            @JsonProperty("duration_ms") long durationMs) {
    }

    public record SkipView(String provider, String model, String key, String reason, String detail) {
    }

    public static ExhaustionDetail of(List<Attempt> attempts, List<Skip> skips) {
        return new ExhaustionDetail(
                attempts.stream().map(a -> new AttemptView(a.provider(), a.model(), a.keyLabel(), a.status(),
                        a.reason(), a.durationMs())).toList(),
                skips.stream().map(k -> new SkipView(k.provider(), k.model(), k.keyLabel(), k.reason(), k.detail()))
                        .toList());
    }
}

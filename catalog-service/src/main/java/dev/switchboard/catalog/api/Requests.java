package dev.switchboard.catalog.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Request bodies of the management API. A create body is read into its record and validated with
 * {@link OnCreate}; a PATCH is an RFC 7386 merge patch onto the record as the object is now
 * ({@code MergePatch}), validated with the default group: a field left null keeps, or takes, the default a
 * create gives it. Text fields are trimmed. Messages never repeat the value sent.
 */
public final class Requests {

    /** The longest timeout accepted (1 h): a stuck upstream must not hold a relay's slot for longer. */
    public static final int MAX_TIMEOUT_MS = 3_600_000;
    /** The longest cooldown a rule may set (1 day; the relay clamps to the same bound). */
    public static final long MAX_RULE_COOLDOWN_SECONDS = 86_400;
    public static final int MIN_SECRET = 8;
    public static final int MAX_SECRET = 4096;

    private Requests() {
    }

    /** Constraints of a create only (a PATCH keeps what it does not name). */
    public interface OnCreate extends Default {
    }

    /** Bodies read with unknown fields reported together with the constraint violations. */
    public interface Body {
    }

    static String trim(String s) {
        return s == null ? null : s.strip();
    }

    @Schema(description = "An upstream provider")
    public record ProviderRequest(
            @NotBlank(message = "is required") @Checks.Name String name,
            @NotBlank(message = "is required")
            @Pattern(regexp = "openai|anthropic", message = "must be one of anthropic|openai")
            @Schema(enumeration = {"openai", "anthropic"}) String protocol,
            @NotBlank(message = "is required") @Checks.HttpUrl String baseUrl,
            @Schema(description = "default true") Boolean enabled,
            @Valid @Schema(description = "merged field by field on PATCH") TimeoutsRequest timeouts,
            @Size(max = 50, message = "at most 50 headers") @Checks.Headers
            @Schema(description = "extra upstream headers; replaced as a whole when named") Map<String, String> headers,
            @Size(max = 100, message = "at most 100 rules")
            @Schema(description = "replaced as a whole when named") List<@NotNull @Valid FailoverRuleRequest> failoverRules,
            @Schema(description = "openai only: the provider also serves /v1/responses, passed through; default false")
            Boolean responsesApi,
            @Valid @Schema(description = "price of the names it serves that no model prices; null = none; "
                    + "both prices are required when set") PriceRequest defaultPrice) implements Body {

        public ProviderRequest {
            name = trim(name);
            protocol = trim(protocol);
            baseUrl = trim(baseUrl);
        }
    }

    @Schema(description = "Upstream timeouts in ms (> 0, at most 3600000); unnamed ones keep their value")
    public record TimeoutsRequest(
            @Positive(message = "must be greater than 0")
            @Max(value = MAX_TIMEOUT_MS, message = "must be at most " + MAX_TIMEOUT_MS + " (1 hour)") Integer connectMs,
            @Positive(message = "must be greater than 0")
            @Max(value = MAX_TIMEOUT_MS, message = "must be at most " + MAX_TIMEOUT_MS + " (1 hour)") Integer firstByteMs,
            @Positive(message = "must be greater than 0")
            @Max(value = MAX_TIMEOUT_MS, message = "must be at most " + MAX_TIMEOUT_MS + " (1 hour)") Integer firstTokenMs,
            @Positive(message = "must be greater than 0")
            @Max(value = MAX_TIMEOUT_MS, message = "must be at most " + MAX_TIMEOUT_MS + " (1 hour)") Integer idleMs) {
    }

    @Checks.RuleMatches
    @Schema(description = "An operator failover rule: matches a status, a body fragment, or both")
    public record FailoverRuleRequest(
            @Min(value = 100, message = "must be an HTTP status between 100 and 599")
            @Max(value = 599, message = "must be an HTTP status between 100 and 599") Integer status,
            String bodyContains,
            @NotBlank(message = "is required") @Pattern(regexp = "retry|stop", message = "must be one of retry|stop")
            @Schema(enumeration = {"retry", "stop"}) String action,
            @Pattern(regexp = "none|key|key_model|provider_model|provider",
                    message = "must be one of key|key_model|none|provider|provider_model")
            @Schema(enumeration = {"none", "key", "key_model", "provider_model", "provider"},
                    description = "what the rule cools down; default none") String scope,
            @Positive(message = "must be greater than 0")
            @Max(value = MAX_RULE_COOLDOWN_SECONDS, message = "must be at most " + MAX_RULE_COOLDOWN_SECONDS + " (1 day)")
            Long cooldownSeconds,
            @Schema(description = "default operator_rule") String reason) {

        public FailoverRuleRequest {
            bodyContains = bodyContains == null || bodyContains.isEmpty() ? null : bodyContains;
            action = trim(action);
            scope = trim(scope);
        }
    }

    @Schema(description = "USD per million tokens: 0 <= value < 1e12, at most 6 decimals")
    public record PriceRequest(
            @NotNull(message = "is required") @Checks.Price BigDecimal inputPricePerMTok,
            @NotNull(message = "is required") @Checks.Price BigDecimal outputPricePerMTok) {
    }

    @Schema(description = "An upstream API key; the secret is write-only")
    public record KeyRequest(
            @NotBlank(message = "is required")
            @Size(max = Checks.MAX_NAME, message = "must be at most " + Checks.MAX_NAME + " characters") String label,
            @NotBlank(groups = OnCreate.class, message = "is required")
            @Size(min = MIN_SECRET, max = MAX_SECRET,
                    message = "must be between " + MIN_SECRET + " and " + MAX_SECRET + " characters")
            @Schema(writeOnly = true, description = "required on create; on PATCH a new secret replaces the old one")
            String secret,
            @Positive(message = "must be greater than 0") @Schema(description = "null = unlimited") Integer rpm,
            @Positive(message = "must be greater than 0") @Schema(description = "null = unlimited") Integer tpm,
            @Positive(message = "must be greater than 0") @Schema(description = "default 1") Integer weight,
            @Schema(description = "default true") Boolean enabled) implements Body {

        public KeyRequest {
            label = trim(label);
            secret = trim(secret);
        }

        @Override
        public String toString() {
            return "KeyRequest[label=" + label + "]"; // never the secret
        }
    }

    @Schema(description = "A model offered by the provider")
    public record ModelRequest(
            @NotBlank(message = "is required") @Checks.Name String name,
            @Size(max = Checks.MAX_NAME, message = "must be a non-empty string of at most " + Checks.MAX_NAME + " characters")
            @Pattern(regexp = "(?s).*\\S.*",
                    message = "must be a non-empty string of at most " + Checks.MAX_NAME + " characters")
            @Schema(description = "the name sent upstream; null = the name") String upstreamName,
            @Positive(message = "must be greater than 0") @Schema(description = "null = unknown") Integer contextWindow,
            @Checks.Price BigDecimal inputPricePerMTok,
            @Checks.Price BigDecimal outputPricePerMTok,
            @Schema(description = "default true") Boolean enabled,
            @Schema(description = "accepts a trailing assistant turn to continue; null = the protocol's default")
            Boolean prefill) implements Body {

        public ModelRequest {
            name = trim(name);
        }
    }

    @Schema(description = "Level 1: one virtual model served by (provider, model) members")
    public record PoolRequest(
            @NotBlank(message = "is required") @Checks.Name String name,
            @Pattern(regexp = "priority|round_robin|weighted|quota_aware",
                    message = "must be one of priority|quota_aware|round_robin|weighted")
            @Schema(enumeration = {"priority", "round_robin", "weighted", "quota_aware"}, description = "default priority")
            String strategy,
            @Schema(description = "default true") Boolean enabled,
            @Schema(description = "default true") Boolean sameCandidateRetry,
            @Schema(description = "default true") Boolean translation,
            @NotNull(groups = OnCreate.class, message = "is required")
            @NotEmpty(groups = OnCreate.class, message = "a pool needs at least one member")
            @Size(max = 200, message = "at most 200 members")
            @Schema(description = "at least one; replaced as a whole when named") List<@NotNull @Valid PoolMemberRequest> members)
            implements Body {

        public PoolRequest {
            name = trim(name);
            strategy = trim(strategy);
        }
    }

    /** Weight and priority are checked with the member's provider and model, so every member error comes at once. */
    @Schema(description = "A member: the provider by name or id, and one of its models")
    public record PoolMemberRequest(
            String provider,
            Long providerId,
            @NotBlank(message = "is required") String model,
            @Schema(description = "lower first; default the position") Integer priority,
            @Schema(description = "> 0, default 1") Integer weight,
            @Schema(description = "default true") Boolean enabled) {

        public PoolMemberRequest {
            provider = trim(provider);
            model = trim(model);
        }
    }

    @Schema(description = "Level 2: a semantic name over ordered pools and model names, never clusters")
    public record ClusterRequest(
            @NotBlank(message = "is required") @Checks.Name String name,
            @Schema(description = "default true") Boolean enabled,
            @Schema(description = "default true") Boolean translation,
            @NotNull(groups = OnCreate.class, message = "is required")
            @NotEmpty(groups = OnCreate.class, message = "a cluster needs at least one member")
            @Size(max = 100, message = "at most 100 members")
            @Schema(description = "ordered, at least one; replaced as a whole when named")
            List<@NotNull @Valid ClusterMemberRequest> members) implements Body {

        public ClusterRequest {
            name = trim(name);
        }
    }

    @Schema(description = "A pool or model name; without a kind it is looked up as a pool, then as a model. "
            + "A bare string is the name.")
    public record ClusterMemberRequest(
            @Pattern(regexp = "pool|model", message = "must be one of model|pool")
            @Schema(enumeration = {"pool", "model"}) String kind,
            @NotBlank(message = "is required") String name) {

        public ClusterMemberRequest {
            kind = trim(kind);
            name = trim(name);
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ClusterMemberRequest of(String name) {
            return new ClusterMemberRequest(null, name);
        }
    }

    @Schema(description = "A model route: names matching the pattern go to the target")
    public record RouteRequest(
            @NotBlank(message = "is required") @Checks.RoutePattern String pattern,
            @NotBlank(message = "is required")
            @Pattern(regexp = "provider|pool|cluster", message = "must be one of cluster|pool|provider")
            @Schema(enumeration = {"provider", "pool", "cluster"}) String targetKind,
            @NotBlank(message = "is required") @Schema(description = "the provider, pool or cluster name") String target,
            @Schema(description = "lower wins; default 100") Integer priority,
            @Schema(description = "default true") Boolean enabled) implements Body {

        public RouteRequest {
            pattern = trim(pattern);
            targetKind = trim(targetKind);
            target = trim(target);
        }
    }
}

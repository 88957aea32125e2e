package dev.switchboard.relay.routing;

import dev.switchboard.contracts.catalog.FailoverRule;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Classifies a failed attempt once (docs/architecture.md "Failover contract"). Operator rules of the provider are
 * checked first, in order, and the first match wins; then the default table:
 *
 * <pre>
 * outcome                                      action  scope           reason           duration
 * client cancelled                             STOP    -               client_cancelled -
 * 402; 429 with insufficient_quota / billing   NEXT    KEY             quota_exhausted  quota cooldown, reset hint ≤ quotaResetCap
 * 429                                          NEXT    KEY_MODEL       rate_limited     Retry-After / x-ratelimit-reset-* ≤ retryAfterCap, else exponential
 * 401, 403                                     NEXT    KEY             auth_failed      auth cooldown
 * 404                                          NEXT    PROVIDER_MODEL  model_not_found  model-not-found cooldown
 * 529; any status with overloaded_error body   NEXT    PROVIDER        overloaded       exponential (Retry-After if larger)
 * 408, 500, 502, 503, 504, other 5xx           NEXT    PROVIDER_MODEL  upstream_error   exponential (Retry-After if larger)
 * 400/413/422 saying the prompt is too long    RELAY   -               context_length_exceeded -   (the queue tries a larger window first)
 * 400/403/422 with a content-policy body       RELAY   -               content_policy   -
 * 400, 413, 422, other 4xx                     RELAY   -               bad_request      -
 * connect error, connect timeout               NEXT    PROVIDER        connect_failed   exponential ≤ unavailable cap
 * reset / close after the request was written  NEXT    PROVIDER_MODEL  connection_reset exponential ≤ unavailable cap
 * first-byte, first-token, idle timeout        NEXT    PROVIDER_MODEL  timeout          exponential ≤ unavailable cap
 * malformed (non-JSON) stream event            NEXT    PROVIDER_MODEL  malformed_event  exponential ≤ unavailable cap
 * stream error (in-band or cut)                NEXT    PROVIDER_MODEL  stream_error     exponential (rate limit / quota / overloaded bodies as above)
 * </pre>
 *
 * {@link #classify(AttemptOutcome, Candidate, long)} adds the rule for names the catalog does not list
 * (pass-through): they never become part of a cooldown key, so a tenant inventing names cannot grow Redis
 * and every replica's near-cache. A 404 for such a name is relayed; a model-level scope is widened to its
 * provider-level one ({@code provider_model} → {@code provider}, {@code key_model} → {@code key}).
 * An operator rule's {@code cooldownSeconds} is clamped to {@link FailoverSettings#MAX_RULE_COOLDOWN}.
 */
public final class FailureClassifier {

    public static final String RATE_LIMITED = "rate_limited";
    public static final String QUOTA_EXHAUSTED = "quota_exhausted";
    public static final String AUTH_FAILED = "auth_failed";
    public static final String MODEL_NOT_FOUND = "model_not_found";
    public static final String UPSTREAM_ERROR = "upstream_error";
    public static final String OVERLOADED = "overloaded";
    public static final String CONNECT_FAILED = "connect_failed";
    public static final String TIMEOUT = "timeout";
    public static final String BAD_REQUEST = "bad_request";
    public static final String CLIENT_CANCELLED = "client_cancelled";
    public static final String STREAM_ERROR = "stream_error";
    public static final String CONNECTION_RESET = "connection_reset";
    public static final String MALFORMED_EVENT = "malformed_event";
    /** A 400 saying the prompt does not fit this model; another candidate with a larger window may take it. */
    public static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";
    /** A refusal on content grounds: relayed unchanged, another upstream would refuse it too. */
    public static final String CONTENT_POLICY = "content_policy";
    /** Reason of an operator rule without one. */
    public static final String OPERATOR_RULE = "operator_rule";

    /** Only the start of an error body is searched; upstream error objects are small. */
    private static final int BODY_SCAN_LIMIT = 16 * 1024;

    private final FailoverSettings settings;

    public FailureClassifier(FailoverSettings s) {
        this.settings = s == null ? FailoverSettings.defaults() : s;
    }

    /**
     * Classifies a failed attempt of {@code c}: its provider's rules, the default table, then the rule for
     * names the catalog does not list ({@code c.modelInfo() == null}).
     */
    public FailoverDecision classify(AttemptOutcome o, Candidate c, long nowMs) {
        FailoverDecision d = classify(o, c.provider().failoverRules(), nowMs);
        if (c.modelInfo() != null || d.action() == FailoverDecision.Action.STOP) {
            return d;
        }
        if (MODEL_NOT_FOUND.equals(d.reason()) && o.status() == 404) {
            return new FailoverDecision(FailoverDecision.Action.RELAY, null, null, MODEL_NOT_FOUND, false);
        }
        CooldownScope.Kind widened = d.scope() == null ? null : switch (d.scope()) {
            case PROVIDER_MODEL -> CooldownScope.Kind.PROVIDER;
            case KEY_MODEL -> CooldownScope.Kind.KEY;
            default -> d.scope();
        };
        return widened == d.scope() ? d
                : new FailoverDecision(d.action(), widened, d.hint(), d.reason(), d.rateLimited());
    }

    public FailoverDecision classify(AttemptOutcome o, List<FailoverRule> providerRules, long nowMs) {
        if (o.kind() == AttemptOutcome.Kind.CLIENT_CANCELLED) {
            return new FailoverDecision(FailoverDecision.Action.STOP, null, null, CLIENT_CANCELLED, false);
        }
        String body = lowerBody(o.body());
        FailoverDecision ruled = byRule(o, body, providerRules);
        if (ruled != null) {
            return ruled;
        }
        return switch (o.kind()) {
            case CONNECT_ERROR, CONNECT_TIMEOUT -> next(CooldownScope.Kind.PROVIDER, null, CONNECT_FAILED, false);
            case RESET_AFTER_WRITE -> next(CooldownScope.Kind.PROVIDER_MODEL, null, CONNECTION_RESET, false);
            case FIRST_BYTE_TIMEOUT, FIRST_TOKEN_TIMEOUT, IDLE_TIMEOUT ->
                    next(CooldownScope.Kind.PROVIDER_MODEL, null, TIMEOUT, false);
            case MALFORMED_EVENT -> next(CooldownScope.Kind.PROVIDER_MODEL, null, MALFORMED_EVENT, false);
            case STREAM_ERROR -> streamError(o, body, nowMs);
            default -> httpError(o, body, nowMs);
        };
    }

    private FailoverDecision httpError(AttemptOutcome o, String body, long nowMs) {
        int status = o.status();
        if (status == 402 || (status == 429 && isQuota(body))) {
            return quota(o, nowMs);
        }
        if (status == 429) {
            return rateLimit(o, nowMs);
        }
        if (status == 403 && isContentPolicy(body)) {
            return new FailoverDecision(FailoverDecision.Action.RELAY, null, null, CONTENT_POLICY, false);
        }
        if (status == 401 || status == 403) {
            return next(CooldownScope.Kind.KEY, null, AUTH_FAILED, false);
        }
        if (status == 404) {
            return next(CooldownScope.Kind.PROVIDER_MODEL, null, MODEL_NOT_FOUND, false);
        }
        if (status == 529 || body.contains("overloaded_error")) {
            return next(CooldownScope.Kind.PROVIDER, retryAfter(o, nowMs), OVERLOADED, false);
        }
        if (status == 408 || status >= 500 || status < 400) {
            return next(CooldownScope.Kind.PROVIDER_MODEL, retryAfter(o, nowMs), UPSTREAM_ERROR, false);
        }
        if ((status == 400 || status == 413 || status == 422) && isContextLength(body)) {
            return new FailoverDecision(FailoverDecision.Action.RELAY, null, null, CONTEXT_LENGTH_EXCEEDED, false);
        }
        if ((status == 400 || status == 422) && isContentPolicy(body)) {
            return new FailoverDecision(FailoverDecision.Action.RELAY, null, null, CONTENT_POLICY, false);
        }
        // 400, 413, 422 and the other 4xx: the request itself is bad, another upstream would refuse it too
        return new FailoverDecision(FailoverDecision.Action.RELAY, null, null, BAD_REQUEST, false);
    }

    private FailoverDecision streamError(AttemptOutcome o, String body, long nowMs) {
        if (isQuota(body)) {
            return quota(o, nowMs);
        }
        if (body.contains("rate_limit")) {
            return rateLimit(o, nowMs);
        }
        if (body.contains("overloaded_error")) {
            return next(CooldownScope.Kind.PROVIDER, null, OVERLOADED, false);
        }
        return next(CooldownScope.Kind.PROVIDER_MODEL, null, STREAM_ERROR, false);
    }

    private FailoverDecision rateLimit(AttemptOutcome o, long nowMs) {
        return next(CooldownScope.Kind.KEY_MODEL, cap(rateLimitHint(o.headers(), nowMs), settings.retryAfterCap()),
                RATE_LIMITED, true);
    }

    private FailoverDecision quota(AttemptOutcome o, long nowMs) {
        return next(CooldownScope.Kind.KEY, cap(rateLimitHint(o.headers(), nowMs), settings.quotaResetCap()),
                QUOTA_EXHAUSTED, false);
    }

    private Duration retryAfter(AttemptOutcome o, long nowMs) {
        return cap(parseRetryAfter(o.headers().get("retry-after"), nowMs), settings.retryAfterCap());
    }

    private static FailoverDecision next(CooldownScope.Kind scope, Duration hint, String reason, boolean rateLimited) {
        return new FailoverDecision(FailoverDecision.Action.NEXT, scope, hint, reason, rateLimited);
    }

    // ---- operator rules ----

    private FailoverDecision byRule(AttemptOutcome o, String body, List<FailoverRule> rules) {
        if (rules == null || rules.isEmpty()) {
            return null;
        }
        for (FailoverRule r : rules) {
            if (r == null) {
                continue;
            }
            if (r.status() != null && r.status() != o.status()) {
                continue;
            }
            if (r.bodyContains() != null && !r.bodyContains().isEmpty()
                    && !body.contains(r.bodyContains().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (r.status() == null && (r.bodyContains() == null || r.bodyContains().isEmpty())
                    && o.kind() != AttemptOutcome.Kind.HTTP_ERROR) {
                continue; // a catch-all rule is about upstream answers, not about connect errors and timeouts
            }
            FailoverDecision.Action action = "stop".equalsIgnoreCase(r.action())
                    ? FailoverDecision.Action.RELAY : FailoverDecision.Action.NEXT;
            CooldownScope.Kind scope = CooldownScope.kindOf(r.scope()); // a stop rule may still cool something
            Duration hint = r.cooldownSeconds() == null || r.cooldownSeconds() <= 0 || scope == null
                    ? null : Duration.ofSeconds(Math.min(r.cooldownSeconds(), FailoverSettings.MAX_RULE_COOLDOWN.toSeconds()));
            String reason = r.reason() == null || r.reason().isBlank() ? OPERATOR_RULE : r.reason();
            boolean rateLimited = RATE_LIMITED.equals(reason) || (o.status() == 429 && !QUOTA_EXHAUSTED.equals(reason));
            return new FailoverDecision(action, scope, hint, reason, rateLimited && action == FailoverDecision.Action.NEXT);
        }
        return null;
    }

    // ---- bodies ----

    private static String lowerBody(String body) {
        if (body == null || body.isEmpty()) {
            return "";
        }
        String b = body.length() > BODY_SCAN_LIMIT ? body.substring(0, BODY_SCAN_LIMIT) : body;
        return b.toLowerCase(Locale.ROOT);
    }

    private static boolean isQuota(String lowerBody) {
        return lowerBody.contains("insufficient_quota") || lowerBody.contains("billing")
                || lowerBody.contains("quota_exceeded") || lowerBody.contains("credit balance is too low");
    }

    /** OpenAI {@code context_length_exceeded} / "maximum context length", Anthropic "prompt is too long". */
    private static boolean isContextLength(String lowerBody) {
        return lowerBody.contains("context_length_exceeded") || lowerBody.contains("prompt is too long")
                || lowerBody.contains("maximum context length");
    }

    /** OpenAI {@code content_policy_violation} / {@code content_filter}, Azure's content management policy. */
    private static boolean isContentPolicy(String lowerBody) {
        return lowerBody.contains("content_policy") || lowerBody.contains("content_filter")
                || lowerBody.contains("content management policy");
    }

    // ---- hints ----

    private static Duration cap(Duration d, Duration cap) {
        if (d == null) {
            return null;
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return cap != null && d.compareTo(cap) > 0 ? cap : d;
    }

    /**
     * The rate-limit reset hint: {@code retry-after-ms}, {@code retry-after}, else the OpenAI
     * {@code x-ratelimit-reset-requests|tokens} of the exhausted limit (the larger when unclear), else the
     * Anthropic {@code anthropic-ratelimit-*-reset} timestamps. Null when none parses.
     */
    static Duration rateLimitHint(Map<String, String> h, long nowMs) {
        Duration ms = parseMillis(h.get("retry-after-ms"));
        if (ms != null) {
            return ms;
        }
        Duration ra = parseRetryAfter(h.get("retry-after"), nowMs);
        if (ra != null) {
            return ra;
        }
        Duration req = parseGoDuration(h.get("x-ratelimit-reset-requests"));
        Duration tok = parseGoDuration(h.get("x-ratelimit-reset-tokens"));
        boolean reqOut = "0".equals(trim(h.get("x-ratelimit-remaining-requests")));
        boolean tokOut = "0".equals(trim(h.get("x-ratelimit-remaining-tokens")));
        if (reqOut && !tokOut && req != null) {
            return req;
        }
        if (tokOut && !reqOut && tok != null) {
            return tok;
        }
        Duration openai = max(req, tok);
        if (openai != null) {
            return openai;
        }
        Duration anthropic = null;
        for (String name : new String[] {"anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset",
                "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-output-tokens-reset"}) {
            anthropic = max(anthropic, parseInstant(h.get(name), nowMs));
        }
        return anthropic;
    }

    /** {@code Retry-After}: delta seconds (decimals tolerated) or an HTTP date. Null when absent or unparsable. */
    static Duration parseRetryAfter(String v, long nowMs) {
        v = trim(v);
        if (v == null) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(v);
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                return null;
            }
            return seconds <= 0 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil(Math.min(seconds, 1e9) * 1000));
        } catch (NumberFormatException notANumber) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Duration.ofMillis(Math.max(0, at - nowMs));
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static Duration parseMillis(String v) {
        v = trim(v);
        if (v == null) {
            return null;
        }
        try {
            double ms = Double.parseDouble(v);
            return Double.isFinite(ms) ? Duration.ofMillis((long) Math.ceil(Math.max(0, Math.min(ms, 1e12)))) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Duration parseInstant(String v, long nowMs) {
        v = trim(v);
        if (v == null) {
            return null;
        }
        try {
            long at = OffsetDateTime.parse(v).toInstant().toEpochMilli();
            return Duration.ofMillis(Math.max(0, at - nowMs));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Go-style durations as OpenAI sends them ({@code 1s}, {@code 6m0s}, {@code 120ms}, {@code 1h2m3.5s},
     * {@code 0.5s}); a bare number is seconds. Null when unparsable.
     */
    static Duration parseGoDuration(String v) {
        v = trim(v);
        if (v == null) {
            return null;
        }
        double totalMs = 0;
        int i = 0;
        int n = v.length();
        boolean any = false;
        while (i < n) {
            int start = i;
            while (i < n && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                return null;
            }
            double number;
            try {
                number = Double.parseDouble(v.substring(start, i));
            } catch (NumberFormatException e) {
                return null;
            }
            int unitStart = i;
            while (i < n && !Character.isDigit(v.charAt(i)) && v.charAt(i) != '.') {
                i++;
            }
            String unit = v.substring(unitStart, i).toLowerCase(Locale.ROOT);
            double factor = switch (unit) {
                case "" -> unitStart == n && !any ? 1000.0 : Double.NaN;
                case "h" -> 3_600_000.0;
                case "m" -> 60_000.0;
                case "s" -> 1000.0;
                case "ms" -> 1.0;
                case "us", "µs", "μs" -> 0.001;
                case "ns" -> 0.000001;
                default -> Double.NaN;
            };
            if (Double.isNaN(factor)) {
                return null;
            }
            totalMs += number * factor;
            any = true;
        }
        return any ? Duration.ofMillis((long) Math.ceil(Math.min(totalMs, 1e12))) : null;
    }

    private static Duration max(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String trim(String v) {
        if (v == null) {
            return null;
        }
        String t = v.trim();
        return t.isEmpty() ? null : t;
    }
}

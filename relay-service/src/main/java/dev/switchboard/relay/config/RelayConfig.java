package dev.switchboard.relay.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the relay data plane (prefix {@code switchboard}). */
@ConfigMapping(prefix = "switchboard")
public interface RelayConfig {

    /** SecretBox data keys {@code id:base64[,id:base64]} used to open provider key ciphertexts. */
    Optional<String> dataKeys();

    /** Auth snapshots: L1 cache, Redis, auth-service fallback. */
    Auth auth();

    /** Catalog snapshot loading. */
    Catalog catalog();

    /** Request handling limits. */
    Request request();

    /** Failover knobs beyond the attempt budget (see the failover table in docs/architecture.md). */
    Failover failover();

    /** How long the request path and readiness may wait on Redis. */
    Redis redis();

    Tracing tracing();

    interface Tracing {
        /** OTLP/HTTP collector base URL ({@code OTEL_EXPORTER_OTLP_ENDPOINT}); empty: spans are made, not exported. */
        Optional<String> otlpEndpoint();
    }

    interface Redis {
        /** Longest a request-path Redis read (auth snapshot) or the background probe waits before Redis counts as down. */
        @WithDefault("250ms")
        Duration timeout();

        /** Interval of the background PING that finds Redis down, and back. */
        @WithDefault("500ms")
        Duration probeInterval();
    }

    interface Failover {
        /** Cap on Retry-After / x-ratelimit-reset-* hints of rate limits. */
        @WithDefault("15m")
        Duration retryAfterCap();

        /** Cap on reset hints of quota exhaustion. */
        @WithDefault("6h")
        Duration quotaResetCap();

        /** First cooldown of the exponential classes (5xx, timeouts, connect errors, 429 without hint). */
        @WithDefault("1s")
        Duration baseBackoff();

        /** Longest cooldown of the exponential classes. */
        @WithDefault("5m")
        Duration maxBackoff();

        /** Cooldown of an exhausted quota (402, 429 insufficient_quota). */
        @WithDefault("1h")
        Duration quotaCooldown();

        /** Cooldown of an upstream key the provider refused (401, 403). */
        @WithDefault("1h")
        Duration authCooldown();

        /** Cooldown of a model the upstream does not know (404). */
        @WithDefault("5m")
        Duration modelNotFoundCooldown();

        /**
         * Cap of the growth of "upstream unavailable" cooldowns (5xx, overloaded, connect failures, resets,
         * timeouts, stream errors): a recovered upstream is probed again within it.
         */
        @WithDefault("15s")
        Duration unavailableBackoffCap();

        /** Longest 429 Retry-After waited for (inside the deadline) before one retry on the same candidate. */
        @WithDefault("3s")
        Duration maxRetryWait();

        /** Least pause before a same-candidate retry; jittered up to twice as long. */
        @WithDefault("200ms")
        Duration retryBackoff();

        /** Broken streams continued on another candidate per request (0 = never continue). */
        @WithDefault("1")
        int maxContinuations();
    }

    interface Auth {
        /** Base URL of auth-service, e.g. http://auth-service:8081. */
        @WithDefault("http://127.0.0.1:8081")
        String serviceUrl();

        /** Shared token sent as x-switchboard-service-token to the auth-service internal endpoint. */
        Optional<String> internalToken();

        /** Maximum number of keys held in the in-process L1 cache. */
        @WithDefault("100000")
        long cacheSize();

        /** How long a positive L1 entry is served without asking Redis again. */
        @WithDefault("5m")
        Duration positiveTtl();

        /** How long an unknown key stays cached negatively in L1. */
        @WithDefault("30s")
        Duration negativeTtl();

        /** How long an expired L1 entry may still be served when Redis and auth-service are both down. */
        @WithDefault("1h")
        Duration staleTtl();

        /** Interval of the sb:auth:epoch poll that flushes L1 when invalidations were missed. */
        @WithDefault("1s")
        Duration epochPoll();

        /** Timeout of one call to the auth-service internal endpoint. */
        @WithDefault("2s")
        Duration serviceTimeout();

        /** Number of trusted reverse-proxy hops in front of the relay for X-Forwarded-For; 0 = use the peer address. */
        @WithDefault("0")
        int trustedProxyHops();

        /**
         * Key lookups (L1 miss: Redis, then auth-service) one client address may have fail per {@link #failedLookupWindow};
         * past it, keys from that address that need a lookup get 429 with Retry-After (0 = no limit). Per replica.
         */
        @WithDefault("20")
        int failedLookupLimit();

        /** Window of {@link #failedLookupLimit}. */
        @WithDefault("60s")
        Duration failedLookupWindow();
    }

    interface Catalog {
        /** Backstop poll of sb:catalog:version in case a catalog event was missed. */
        @WithDefault("5s")
        Duration pollInterval();
    }

    interface Request {
        /** Largest accepted request body in bytes (413 above). */
        @WithDefault("10485760")
        int maxBodyBytes();

        /** Maximum upstream attempts per request across every resolution level and key. */
        @WithDefault("4")
        int maxAttempts();

        /** Overall deadline of one request's attempts (a started stream is not cut by it). */
        @WithDefault("120s")
        Duration deadline();

        /**
         * Longest a streamed request may run, from its arrival: past it the client stream ends with an explicit
         * error event and the upstream request is cancelled. 0 = no limit. Also bounds graceful shutdown.
         */
        @WithDefault("10m")
        Duration maxStream();

        /**
         * Ask OpenAI-protocol upstreams for usage at the end of a chat stream ({@code stream_options.include_usage})
         * so streamed requests are costed; the usage-only chunk is withheld from tenants that did not ask for it.
         * Turn off only for an OpenAI-compatible upstream that rejects {@code stream_options}.
         */
        @WithDefault("true")
        boolean streamUsage();

        /**
         * {@code max_tokens} sent to an Anthropic-protocol upstream serving an OpenAI-dialect request that set
         * none (Anthropic requires it).
         */
        @WithDefault("4096")
        int translationMaxTokens();

        /**
         * Request body bytes all in-flight tenant requests may hold in memory together, from the first byte read to
         * the end of the response; a request that would go past it is answered 503 with Retry-After.
         */
        @WithDefault("134217728")
        long maxBufferedBodyBytes();

        /** Longest the whole request body may take to arrive after authentication (408 past it). */
        @WithDefault("30s")
        Duration bodyTimeout();

        /**
         * After a refusal sent before the body was read, how long the rest of the body is read and dropped before the
         * connection is closed (closing at once would reset the connection and could lose the refusal).
         */
        @WithDefault("2s")
        Duration refusalLinger();

        /** Upstream connection pool size per provider. */
        @WithDefault("256")
        int poolSize();
    }
}

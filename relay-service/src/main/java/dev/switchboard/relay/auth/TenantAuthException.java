package dev.switchboard.relay.auth;

/** A tenant request refused by authentication: status 401/403/503 and a stable error code. */
public class TenantAuthException extends RuntimeException {

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public TenantAuthException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    private TenantAuthException(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds for Retry-After, 0 = none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static TenantAuthException invalidKey(String message) {
        return new TenantAuthException(401, "invalid_api_key", message);
    }

    static TenantAuthException forbidden(String code, String message) {
        return new TenantAuthException(403, code, message);
    }

    /** The client address used up its key lookups for unknown keys (see {@link LookupLimiter}). */
    static TenantAuthException tooManyFailures(long retryAfterSeconds) {
        return new TenantAuthException(429, "too_many_failed_authentications",
                "Too many requests with unknown API keys from this address; retry later", retryAfterSeconds);
    }

    static TenantAuthException unavailable() {
        return new TenantAuthException(503, "auth_unavailable",
                "API key could not be verified right now; retry shortly");
    }
}

package dev.switchboard.relay.auth;

/** A tenant request refused by authentication: status 401/403/503 and a stable error code. */
public class TenantAuthException extends RuntimeException {

    private final int status;
    private final String code;

    public TenantAuthException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
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

    static TenantAuthException unavailable() {
        return new TenantAuthException(503, "auth_unavailable",
                "API key could not be verified right now; retry shortly");
    }
}

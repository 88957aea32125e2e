package dev.switchboard.relay.translate;

/**
 * A request (or, rarely, an upstream answer) that cannot be translated: a field that would change the answer and
 * has no equivalent on the target wire, or input that is invalid (unparseable tool arguments). Thrown before any
 * upstream call for requests, so the hop answers {@link #status()} in the client's dialect
 * ({@link Translator#error}) with {@link #param()} as the offending field. The message is safe to show to the
 * client: it names fields, never echoes their values.
 */
public final class TranslationException extends RuntimeException {

    /** {@link #code()} of a field the target wire cannot carry. */
    public static final String UNSUPPORTED = "unsupported_parameter";
    /** {@link #code()} of invalid input. */
    public static final String INVALID = "invalid_parameter";
    /** {@link #code()} of an upstream answer that cannot be expressed in the client's dialect (status 502). */
    public static final String UPSTREAM_INVALID = "upstream_invalid_response";

    private final int status;
    private final String param;
    private final String code;

    public TranslationException(int status, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    /** A 400 naming {@code param}. */
    static TranslationException invalid(String param, String message) {
        return new TranslationException(400, param, INVALID, message);
    }

    /** A 400 for a field the target wire cannot carry. */
    static TranslationException unsupported(String param, String target) {
        return new TranslationException(400, param, UNSUPPORTED,
                "'" + param + "' is not supported when the request is served by a " + target + " upstream");
    }

    /** HTTP status for the client: 400 for requests, 502 for an upstream answer that cannot be translated. */
    public int status() {
        return status;
    }

    /** {@link #UNSUPPORTED}, {@link #INVALID} or {@link #UPSTREAM_INVALID}: the error body's {@code code}. */
    public String code() {
        return code;
    }

    /** Path of the offending field in the client's (or upstream's, for 502) document, e.g. {@code messages[2].content[0]}. */
    public String param() {
        return param;
    }
}

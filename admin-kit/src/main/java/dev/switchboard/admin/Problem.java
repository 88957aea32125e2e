package dev.switchboard.admin;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The RFC 9457 document every management error is answered with, in every service.
 *
 * @param title one per status ({@link #title(int)}), never chosen by the thrower
 * @param requestId the {@code x-request-id} of the request, to find its log lines
 * @param errors for a 422: every invalid field
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(String type, String title, int status, String detail, String requestId,
        List<FieldError> errors, @Schema(hidden = true) Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        errors = errors == null ? List.of() : errors;
        extensions = extensions == null ? Map.of() : extensions;
    }

    /** Members beyond the standard ones are written at the top level of the document. */
    @Override
    @JsonAnyGetter
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Map<String, Object> extensions() {
        return extensions;
    }

    public static Problem of(int status, String detail, String requestId, List<FieldError> errors,
            Map<String, Object> extensions) {
        return new Problem("about:blank", title(status), status, detail, requestId, errors, extensions);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }

    /** The one title of each status (the HTTP reason phrase, RFC 9110). */
    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> {
                Response.Status.Family family = Response.Status.Family.familyOf(status);
                Response.StatusType known = Response.Status.fromStatusCode(status);
                yield known != null ? known.getReasonPhrase()
                        : family == Response.Status.Family.CLIENT_ERROR ? "Client Error" : "Server Error";
            }
        };
    }
}

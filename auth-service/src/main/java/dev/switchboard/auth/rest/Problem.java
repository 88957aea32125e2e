package dev.switchboard.auth.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.auth.service.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** RFC 9457 problem document of the management API. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Response response(int status, String title, String detail, List<FieldError> errors) {
        return Response.status(status).type(MEDIA_TYPE).entity(new Problem("about:blank", title, status, detail, errors)).build();
    }
}

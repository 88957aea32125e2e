package dev.switchboard.console.web;

import dev.switchboard.console.api.ApiAnswer;
import dev.switchboard.console.api.ManagementClient;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** The console's own RFC 9457 answers, and management answers passed through. */
final class Problems {

    /** Set on an answer when the API behind it did not answer at all: the page shows its banner. */
    static final String DOWN_HEADER = "X-Console-Down";

    private Problems() {
    }

    static Response response(int status, String title, String detail) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        return Response.status(status).type(ManagementClient.PROBLEM_JSON).entity(p).build();
    }

    static Response relay(ApiAnswer answer) {
        Response.ResponseBuilder b = Response.status(answer.status()).header("Cache-Control", "no-store");
        if (answer.body() != null && answer.body().length > 0) {
            b.entity(answer.body()).type(answer.contentType());
        }
        if (answer.down()) {
            b.header(DOWN_HEADER, "1");
        }
        return b.build();
    }
}

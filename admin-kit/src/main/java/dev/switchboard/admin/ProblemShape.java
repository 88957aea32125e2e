package dev.switchboard.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every management error body must look like, for the services' error-shape tests: the same
 * members for the same status in every service.
 */
public final class ProblemShape {

    private ProblemShape() {
    }

    /** {@link #violations(Map, int, String)} of a whole answer: also its status and content type. */
    public static List<String> violations(int actualStatus, String contentType, Map<?, ?> body, int status,
            String requestId) {
        List<String> out = new ArrayList<>();
        if (actualStatus != status) {
            out.add("answered " + actualStatus + " instead of " + status);
        }
        if (contentType == null || !contentType.startsWith(Problem.MEDIA_TYPE)) {
            out.add("content type " + contentType);
        }
        out.addAll(violations(body, status, requestId));
        return out;
    }

    /**
     * @param body the parsed JSON body
     * @param requestId the {@code x-request-id} the response carried
     * @return what differs from the contract; empty when the body is a conforming problem
     */
    public static List<String> violations(Map<?, ?> body, int status, String requestId) {
        List<String> out = new ArrayList<>();
        if (body == null) {
            return List.of("no JSON body");
        }
        expect(out, body, "type", "about:blank");
        expect(out, body, "title", Problem.title(status));
        if (!(body.get("status") instanceof Number n) || n.intValue() != status) {
            out.add("status " + body.get("status") + " instead of " + status);
        }
        if (!(body.get("detail") instanceof String d) || d.isBlank()) {
            out.add("no detail");
        }
        if (requestId == null || !requestId.equals(body.get("requestId"))) {
            out.add("requestId " + body.get("requestId") + " is not the x-request-id " + requestId);
        }
        Object errors = body.get("errors");
        if (status == 422) {
            if (!(errors instanceof List<?> list) || list.isEmpty()) {
                out.add("a 422 without errors[]");
            } else {
                for (Object e : list) {
                    if (!(e instanceof Map<?, ?> m) || !(m.get("field") instanceof String)
                            || !(m.get("message") instanceof String) || m.size() != 2) {
                        out.add("error " + e + " is not {field, message}");
                    }
                }
            }
        } else if (errors != null) {
            out.add("errors[] on a " + status);
        }
        return out;
    }

    private static void expect(List<String> out, Map<?, ?> body, String member, String value) {
        if (!value.equals(body.get(member))) {
            out.add(member + " '" + body.get(member) + "' instead of '" + value + "'");
        }
    }
}

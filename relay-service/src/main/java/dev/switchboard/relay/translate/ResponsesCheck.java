package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.TranslationException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * What every {@code /v1/responses} request must pass before admission, whichever candidate serves it (a
 * Responses-capable upstream or a translated one): the gateway is stateless, so anything that refers to stored state
 * is refused; {@code input} must be a string or an array of items of known types, each message of a known role with
 * parts of known types. Refusals name the field (400).
 */
final class ResponsesCheck {

    /** Fields that only make sense with stored responses or conversations. */
    private static final Set<String> STATEFUL = Set.of("previous_response_id", "conversation", "prompt");

    /** Item types a translation can carry ({@code reasoning} is dropped). */
    static final Set<String> TRANSLATABLE_ITEMS = Set.of("message", "function_call", "function_call_output", "reasoning");

    /** Item types of built-in tools: only a Responses upstream takes them. */
    private static final Set<String> PASSTHROUGH_ITEMS = Set.of("web_search_call", "file_search_call", "computer_call",
            "computer_call_output", "image_generation_call", "code_interpreter_call", "local_shell_call",
            "local_shell_call_output", "shell_call", "shell_call_output", "apply_patch_call", "apply_patch_call_output",
            "mcp_list_tools", "mcp_approval_request", "mcp_approval_response", "mcp_call", "custom_tool_call",
            "custom_tool_call_output", "compaction");

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private static final Set<String> PARTS = Set.of("input_text", "input_image", "input_file", "input_audio",
            "output_text", "refusal");

    private ResponsesCheck() {
    }

    static void check(ObjectNode b) {
        for (String f : STATEFUL) {
            if (Json.present(b, f)) {
                throw stateless(f);
            }
        }
        if (b.path("background").asBoolean(false)) {
            throw stateless("background");
        }
        JsonNode input = b.get("input");
        if (input == null || input.isNull()) {
            throw invalid("input", "'input' is required: a string or an array of input items");
        }
        if (!input.isTextual() && !input.isArray()) {
            throw invalid("input", "'input' must be a string or an array of input items");
        }
        for (int i = 0; i < input.size(); i++) { // a string's size is 0
            item(input.get(i), "input[" + i + "]");
        }
        JsonNode tools = b.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw invalid("tools", "'tools' must be an array");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if ("function".equals(t.path("type").asText()) && Json.text(t.get("name")) == null) {
                    throw invalid("tools[" + i + "].name", "'tools[" + i + "].name' is required");
                }
            }
        }
    }

    /** An item's type; an item without one is a message (the SDKs' "easy input message"). */
    static String typeOf(JsonNode item) {
        String type = Json.text(item.get("type"));
        return type == null && item.has("role") ? "message" : type == null ? "" : type;
    }

    private static void item(JsonNode it, String p) {
        if (!it.isObject()) {
            throw invalid(p, "'" + p + "' must be an object");
        }
        String type = typeOf(it);
        if ("item_reference".equals(type)) {
            throw stateless(p);
        }
        if (!TRANSLATABLE_ITEMS.contains(type) && !PASSTHROUGH_ITEMS.contains(type)) {
            throw invalid(p + ".type", "'" + p + ".type' is not a known input item type");
        }
        if (!"message".equals(type)) {
            return;
        }
        if (!ROLES.contains(it.path("role").asText(""))) {
            throw invalid(p + ".role", "'" + p + ".role' must be system, developer, user or assistant");
        }
        JsonNode c = it.get("content");
        if (c == null || !(c.isTextual() || c.isArray())) {
            throw invalid(p + ".content", "'" + p + ".content' must be a string or an array of content parts");
        }
        for (int j = 0; j < (c.isArray() ? c.size() : 0); j++) {
            if (!PARTS.contains(c.get(j).path("type").asText(""))) {
                throw invalid(p + ".content[" + j + "].type", "'" + p + ".content[" + j + "].type' is not a known content part type");
            }
        }
    }

    private static TranslationException stateless(String param) {
        return new TranslationException(400, param, TranslationException.UNSUPPORTED, "'" + param
                + "' is not supported: this gateway is stateless and stores no responses or conversations; "
                + "send the whole conversation in 'input'");
    }
}

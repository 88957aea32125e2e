package dev.switchboard.relay.translate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each direction refuses (400 naming the field) and drops (no effect on the answer), field → why: the source of
 * {@link Translator#unsupportedFields} / {@link Translator#droppedFields} and of the README tables
 * ({@code TranslationDocsTest} keeps them in step). The codecs enforce them; a change here goes with one there.
 */
final class FieldLists {

    /** An OpenAI chat client served by another wire. */
    static final Map<String, String> OPENAI_REFUSED = openAiRefused();
    static final Map<String, String> OPENAI_DROPPED = openAiDropped();
    /** An Anthropic messages client served by another wire. */
    static final Map<String, String> ANTHROPIC_REFUSED = anthropicRefused();
    static final Map<String, String> ANTHROPIC_DROPPED = anthropicDropped();

    /** A Responses client served by a chat-completions or Anthropic candidate. */
    static final Map<String, String> RESPONSES_REFUSED = responsesRefused();
    static final Map<String, String> RESPONSES_DROPPED = responsesDropped();

    private FieldLists() {
    }

    private static Map<String, String> responsesRefused() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("previous_response_id", "stateless gateway: no response is stored (refused on every candidate)");
        m.put("conversation", "stateless gateway: no conversation is stored (refused on every candidate)");
        m.put("prompt", "stored prompt templates (refused on every candidate)");
        m.put("background", "background: true needs a stored response (refused on every candidate)");
        m.put("input[] item_reference", "a reference to a stored item (refused on every candidate)");
        m.put("tools[] type other than function", "built-in tools (web_search, file_search, mcp, computer_use, code_interpreter, custom, …)");
        m.put("tool_choice {type: allowed_tools | hosted tool | custom}", "no equivalent");
        m.put("input[] built-in tool items (web_search_call, computer_call, mcp_call, …)", "history of built-in tools");
        m.put("input[].content[] input_file / input_audio", "file and audio inputs");
        m.put("input[].content[] input_image with file_id", "Files API references");
        m.put("text.format", "json_schema / json_object towards an Anthropic candidate (mapped to response_format for chat completions)");
        m.put("top_logprobs", "non-zero: token log probabilities are not reported");
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> responsesDropped() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("store", "accepted and answered store: false: nothing is stored");
        m.put("metadata", "echoed in the response, not sent upstream");
        m.put("include", "extra output (encrypted reasoning, logprobs, sources) is not produced");
        m.put("truncation", "context truncation is the client's job");
        m.put("max_tool_calls", "built-in tool budget");
        m.put("reasoning.summary", "a summary is given whenever the upstream reasons");
        m.put("text.verbosity", "soft length hint");
        m.put("service_tier", "billing tier of the OpenAI account");
        m.put("prompt_cache_key", "cache routing hint");
        m.put("safety_identifier", "abuse monitoring id (user is mapped)");
        m.put("stream_options", "Responses streams always carry usage in the terminal event");
        m.put("input[] reasoning", "earlier turns' reasoning items: neither chat wire takes them back");
        m.put("input[].content[] refusal", "history without equivalent");
        m.put("tools[].strict", "schema adherence flag");
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> openAiRefused() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("n", "n > 1: several choices have no equivalent (n: 1 is accepted)");
        m.put("logprobs", "logprobs: true / top_logprobs: token log probabilities are not reported");
        m.put("top_logprobs", "see logprobs (0 or null accepted)");
        m.put("logit_bias", "a non-empty token bias has no equivalent");
        m.put("response_format", "json_object / json_schema have no equivalent ({type: text} accepted)");
        m.put("audio", "audio output");
        m.put("modalities", "anything but [\"text\"]");
        m.put("web_search_options", "built-in web search");
        m.put("functions", "legacy functions: use tools");
        m.put("function_call", "legacy function_call: use tool_choice");
        m.put("messages[].content[] input_audio / file", "audio and file inputs");
        m.put("messages[] role function", "legacy function messages: use role tool");
        m.put("messages[].function_call", "legacy assistant function_call: use tool_calls");
        m.put("tools[] type other than function", "custom tools");
        m.put("tool_choice {type: allowed_tools | custom}", "no equivalent");
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> openAiDropped() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("frequency_penalty", "sampling hint without equivalent");
        m.put("presence_penalty", "sampling hint without equivalent");
        m.put("seed", "best-effort determinism, no equivalent");
        m.put("store", "OpenAI stored completions");
        m.put("metadata", "OpenAI stored-completion tags");
        m.put("service_tier", "billing tier of the OpenAI account");
        m.put("prediction", "latency optimisation only");
        m.put("prompt_cache_key", "cache routing hint");
        m.put("safety_identifier", "abuse monitoring id (user is mapped)");
        m.put("verbosity", "soft length hint");
        m.put("stream_options", "consumed by the relay (usage is always asked upstream)");
        m.put("messages[].name", "participant names");
        m.put("messages[].content[].image_url.detail", "image resolution hint");
        m.put("messages[] assistant refusal / reasoning_content", "history fields without equivalent");
        m.put("tools[].function.strict", "schema adherence flag");
        m.put("reasoning_effort", "when the upstream model does not think (otherwise mapped to a thinking budget)");
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> anthropicRefused() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("messages[].content[] document", "PDF / text documents");
        m.put("messages[].content[] search_result", "search result blocks");
        m.put("messages[].content[] server_tool_use / *_tool_result", "server-side tool history");
        m.put("messages[].content[] image with source type file", "Files API references");
        m.put("messages[].content[].content[] image", "images inside a tool_result");
        m.put("tools[] with a type (server tools: web_search, bash, computer, text_editor, …)", "server tools");
        m.put("mcp_servers", "remote MCP servers");
        m.put("container", "code execution containers");
        m.put("output_format", "structured outputs");
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> anthropicDropped() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("top_k", "sampling hint without equivalent");
        m.put("service_tier", "billing tier of the Anthropic account");
        m.put("metadata (except user_id)", "no equivalent; user_id is mapped to user");
        m.put("cache_control (anywhere)", "prompt caching is automatic on OpenAI");
        m.put("context_management", "server-side context editing");
        m.put("messages[].content[] thinking / redacted_thinking", "earlier turns' reasoning: OpenAI takes none back");
        m.put("messages[].content[].citations", "citation metadata");
        m.put("messages[].content[] tool_result is_error", "OpenAI tool messages have no error flag");
        m.put("thinking", "when the upstream model does not reason (otherwise mapped to reasoning_effort)");
        m.put("tool_choice.disable_parallel_tool_use", "without tools");
        return Collections.unmodifiableMap(m);
    }
}

/**
 * Translation between chat wire protocols (OpenAI chat completions ⇄ Anthropic messages): requests, whole JSON
 * answers, streams, usage and errors. Pure Java and Jackson: no Vert.x, Quarkus or CDI, so every rule is tested
 * with plain JUnit ({@code translate/} golden transcripts under the test resources).
 *
 * <h2>Shape</h2>
 * Two codecs through a neutral form instead of four translators: each wire decodes into and encodes from
 * {@code Chat} (requests), {@code Reply} (answers), the neutral stream ({@code StreamEncoder}'s calls), {@link Usage}
 * and a neutral error (status, message, code). A third wire (OpenAI Responses) is one more {@link Wire} constant, one
 * codec, one stream decoder and one stream encoder; the switches in {@link Translator} name the places.
 *
 * <h2>API the hop calls</h2>
 * <pre>{@code
 * enum Wire { OPENAI_CHAT, ANTHROPIC_MESSAGES }
 * TranslationException extends RuntimeException: int status(), String param(), String code(), getMessage() client-safe
 * record RequestSettings(String upstreamModel, int defaultMaxTokens, boolean streamUsage, boolean thinkingSupported,
 *         int lowBudget, int mediumBudget, int highBudget)   // of(model), with…(), thinkingBudgetFor(effort), effortFor(budget)
 * record StreamSettings(String clientModel, boolean includeUsage, String responseId, long created)
 * record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens)
 *         // promptTokensOpenAi(), totalTokens(), fromOpenAi(JsonNode), fromAnthropic(JsonNode), toOpenAi(), toAnthropic()
 * interface Sink { void event(String name, String data); static String render(String name, String data); }
 * interface StreamTranslator { onEvent(event, data, Sink); onEnd(Sink); sawFinish(); complete(); errored(); usage(); }
 * ObjectNode Translator.request(Wire from, Wire to, ObjectNode clientBody, RequestSettings s)  // throws TranslationException
 * ObjectNode Translator.response(Wire from, Wire to, JsonNode upstreamJson, String clientModel) // 502 TranslationException possible
 * Usage Translator.usage(Wire from, JsonNode upstreamJson)
 * StreamTranslator Translator.stream(Wire from, Wire to, StreamSettings s)
 * String Translator.error(Wire clientWire, int status, String code, String message)
 * String Translator.error(Wire clientWire, TranslationException e)
 * TranslatedError Translator.upstreamError(Wire from, Wire to, int status, String body)
 * void Translator.streamError(Wire clientWire, String code, String message, Sink out)
 * ObjectNode Translator.countTokensEstimate(ObjectNode anthropicRequest)
 * Map<String, String> Translator.unsupportedFields(Wire from, Wire to), droppedFields(Wire from, Wire to)
 * }</pre>
 * {@code from} is the wire of the document being translated: the client's for {@code request}, the upstream's for
 * {@code response}, {@code stream} and {@code upstreamError}. Same-wire calls throw {@link IllegalArgumentException}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Refusals happen in {@code request}, before any upstream call: a {@link TranslationException} (400) naming the
 *       field path in the client's document. Fields without effect on the answer are dropped; a field this package
 *       does not know is dropped too (new optional fields appear in both APIs constantly; refusing them would break
 *       clients on every SDK update). The lists: {@link Translator#unsupportedFields}, {@link Translator#droppedFields}.</li>
 *   <li>A stream is translated event by event, never buffered: each upstream event writes zero or more client events
 *       at once. State is bounded by the number of tool calls.</li>
 *   <li>A stream is {@link StreamTranslator#complete()} only when the client's terminator was written
 *       ({@code [DONE]} / {@code message_stop}), which requires a finish from the upstream. A cut before the finish
 *       stays incomplete: the hop ends the client stream with {@link Translator#streamError}. An upstream error
 *       event is translated and written by the translator itself ({@link StreamTranslator#errored()}).</li>
 *   <li>Usage is the client's numbers: the hop costs {@link Usage#promptTokensOpenAi()} and
 *       {@link Usage#outputTokens()} from {@link StreamTranslator#usage()} / {@link Translator#usage}.</li>
 * </ul>
 */
package dev.switchboard.relay.translate;

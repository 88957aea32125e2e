package dev.switchboard.relay.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Set;

/**
 * A tenant request body, validated once by a streaming pass (no tree is built) that remembers where
 * the top-level {@code model} string sits, so forwarding replaces just those bytes instead of
 * re-serialising the document.
 */
public final class RequestBody {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final byte[] raw;
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    /** Offset of the top-level '{'. */
    private final int objectStart;
    private final StreamOptions streamOptions;
    private final long maxOutputTokens;

    /**
     * Where the top-level {@code stream_options} sits. {@code kind}: 0 absent, 1 object, 2 null, 3 anything else.
     * For an object, {@code start} is its '{'; {@code usageStart/usageEnd} the {@code include_usage} value (-1: absent).
     */
    private record StreamOptions(int kind, int start, int end, boolean empty, int usageStart, int usageEnd,
            boolean includeUsage) {
        static final StreamOptions ABSENT = new StreamOptions(0, -1, -1, true, -1, -1, false);
    }

    private RequestBody(byte[] raw, String model, int modelStart, int modelEnd, boolean stream, int objectStart,
            StreamOptions streamOptions, long maxOutputTokens) {
        this.maxOutputTokens = maxOutputTokens;
        this.raw = raw;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.objectStart = objectStart;
        this.streamOptions = streamOptions;
    }

    /** Why a body was refused, worded for the tenant. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @throws Invalid when the body is not one JSON object, or {@code model} is missing, not a string, longer
     *         than {@link #MAX_MODEL_LENGTH} or has control characters
     */
    public static RequestBody parse(byte[] raw) throws Invalid {
        String model = null;
        int start = -1;
        int end = -1;
        boolean stream = false;
        boolean modelSeen = false;
        int objectStart;
        StreamOptions streamOptions = StreamOptions.ABSENT;
        long maxOutput = -1;
        try (JsonParser p = JSON.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid("Request body must be a JSON object");
            }
            objectStart = (int) p.currentTokenLocation().getByteOffset();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("model".equals(name)) {
                    modelSeen = true;
                    if (value != JsonToken.VALUE_STRING) {
                        throw new Invalid("'model' must be a string");
                    }
                    start = (int) p.currentTokenLocation().getByteOffset();
                    model = p.getText();
                    end = (int) p.currentLocation().getByteOffset();
                } else if ("stream".equals(name)) {
                    stream = value == JsonToken.VALUE_TRUE;
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        throw new Invalid("'stream' must be a boolean");
                    }
                } else if ("stream_options".equals(name)) {
                    streamOptions = streamOptions(p, value);
                } else if (value == JsonToken.VALUE_NUMBER_INT && OUTPUT_CAPS.contains(name)) {
                    maxOutput = Math.max(maxOutput, p.getValueAsLong(-1));
                } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new Invalid("Request body is not valid JSON");
            }
            if (p.nextToken() != null) {
                throw new Invalid("Request body has data after the JSON object");
            }
        } catch (JsonParseException e) {
            throw new Invalid("Request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid("Request body is not valid JSON");
        }
        if (!modelSeen) {
            throw new Invalid("Missing required field 'model'");
        }
        if (model.isBlank()) {
            throw new Invalid("'model' must not be empty");
        }
        String bad = modelNameProblem(model);
        if (bad != null) {
            throw new Invalid(bad);
        }
        if (start < 0 || end <= start || end > raw.length || raw[start] != '"' || raw[end - 1] != '"') {
            throw new Invalid("Request body is not valid JSON");
        }
        return new RequestBody(raw, model, start, end, stream, objectStart, streamOptions, maxOutput);
    }

    /** Longest model name accepted: the ledger's and the catalog's name columns, and the pattern limit. */
    public static final int MAX_MODEL_LENGTH = 256;

    /**
     * Why a requested model name is refused, or null. Bounded so that every request that gets as far as
     * admission produces a usage event the ledger can store (no poison messages), and so no name with
     * control characters reaches a log line, a metric tag or an upstream.
     */
    public static String modelNameProblem(String model) {
        if (model.length() > MAX_MODEL_LENGTH) {
            return "'model' must be at most " + MAX_MODEL_LENGTH + " characters";
        }
        for (int i = 0; i < model.length(); i++) {
            if (Character.isISOControl(model.charAt(i))) {
                return "'model' must not contain control characters (at index " + i + ")";
            }
        }
        return null;
    }

    /** Reads the {@code stream_options} value the parser stands on, remembering where to edit it. */
    private static StreamOptions streamOptions(JsonParser p, JsonToken value) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        if (value == JsonToken.VALUE_NULL) {
            return new StreamOptions(2, start, (int) p.currentLocation().getByteOffset(), true, -1, -1, false);
        }
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new StreamOptions(3, start, -1, true, -1, -1, false);
        }
        boolean empty = true;
        int usageStart = -1;
        int usageEnd = -1;
        boolean includeUsage = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            empty = false;
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("include_usage".equals(name) && v.isScalarValue()) {
                usageStart = (int) p.currentTokenLocation().getByteOffset();
                usageEnd = (int) p.currentLocation().getByteOffset();
                includeUsage = v == JsonToken.VALUE_TRUE;
            } else {
                p.skipChildren();
            }
        }
        return new StreamOptions(1, start, (int) p.currentLocation().getByteOffset(), empty, usageStart, usageEnd,
                includeUsage);
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** The fields in which the three dialects cap the answer's length. */
    private static final Set<String> OUTPUT_CAPS = Set.of("max_tokens", "max_completion_tokens",
            "max_output_tokens");

    /** The client's cap on the answer's tokens ({@code max_tokens}, {@code max_completion_tokens} or {@code max_output_tokens}); -1 when absent. */
    public long maxOutputTokens() {
        return maxOutputTokens;
    }

    /** The body as received; shared, never to be modified (a translation parses it into its own tree). */
    public byte[] bytes() {
        return raw;
    }

    public int length() {
        return raw.length;
    }

    /** Whether the tenant asked for usage in the stream's final chunk ({@code stream_options.include_usage: true}). */
    public boolean clientAskedUsage() {
        return streamOptions.includeUsage();
    }

    /**
     * Whether {@link #forUpstream} can make the upstream report usage: {@code stream_options} is absent, null or an
     * object (anything else is the tenant's error, forwarded untouched for the upstream to refuse).
     */
    public boolean canAskUsage() {
        return streamOptions.kind() != 3;
    }

    /** The body to send upstream: the original bytes with only the model string replaced. */
    public Buffer withModel(String upstreamModel) {
        return forUpstream(upstreamModel, false);
    }

    /**
     * The body to send upstream: the original bytes with the model string replaced and, when {@code askUsage} is
     * set, {@code stream_options.include_usage} made true (inserted or flipped in place; nothing re-serialised).
     */
    public Buffer forUpstream(String upstreamModel, boolean askUsage) {
        byte[] modelBytes = null;
        if (upstreamModel != null && !upstreamModel.equals(model)) {
            byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(upstreamModel);
            modelBytes = new byte[quoted.length + 2];
            modelBytes[0] = '"';
            System.arraycopy(quoted, 0, modelBytes, 1, quoted.length);
            modelBytes[quoted.length + 1] = '"';
        }
        int usageAt = -1;
        int usageEnd = -1;
        String usageText = null;
        StreamOptions so = streamOptions;
        if (askUsage && !so.includeUsage()) {
            switch (so.kind()) {
                case 0 -> {
                    usageAt = objectStart + 1;
                    usageEnd = usageAt;
                    usageText = "\"stream_options\":{\"include_usage\":true},";
                }
                case 1 -> {
                    if (so.usageStart() >= 0) {
                        usageAt = so.usageStart();
                        usageEnd = so.usageEnd();
                        usageText = "true";
                    } else {
                        usageAt = so.start() + 1;
                        usageEnd = usageAt;
                        usageText = so.empty() ? "\"include_usage\":true" : "\"include_usage\":true,";
                    }
                }
                case 2 -> {
                    usageAt = so.start();
                    usageEnd = so.end();
                    usageText = "{\"include_usage\":true}";
                }
                default -> {
                    // not an object: leave the tenant's value alone
                }
            }
        }
        if (modelBytes == null && usageText == null) {
            return Buffer.buffer(raw);
        }
        byte[] usageBytes = usageText == null ? null : usageText.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Buffer out = Buffer.buffer(raw.length + (modelBytes == null ? 0 : modelBytes.length)
                + (usageBytes == null ? 0 : usageBytes.length));
        int pos = 0;
        // two non-overlapping edits, applied in byte order
        boolean usageFirst = usageBytes != null && (modelBytes == null || usageAt < modelStart);
        if (usageFirst) {
            pos = splice(out, pos, usageAt, usageEnd, usageBytes);
        }
        if (modelBytes != null) {
            pos = splice(out, pos, modelStart, modelEnd, modelBytes);
        }
        if (usageBytes != null && !usageFirst) {
            pos = splice(out, pos, usageAt, usageEnd, usageBytes);
        }
        out.appendBytes(raw, pos, raw.length - pos);
        return out;
    }

    private int splice(Buffer out, int pos, int from, int to, byte[] replacement) {
        out.appendBytes(raw, pos, from - pos);
        out.appendBytes(replacement);
        return to;
    }
}

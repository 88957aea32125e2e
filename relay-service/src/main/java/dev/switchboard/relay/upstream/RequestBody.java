package dev.switchboard.relay.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

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

    private RequestBody(byte[] raw, String model, int modelStart, int modelEnd, boolean stream) {
        this.raw = raw;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
    }

    /** Why a body was refused, worded for the tenant. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @throws Invalid when the body is not one JSON object, or {@code model} is missing or not a string
     */
    public static RequestBody parse(byte[] raw) throws Invalid {
        String model = null;
        int start = -1;
        int end = -1;
        boolean stream = false;
        boolean modelSeen = false;
        try (JsonParser p = JSON.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid("Request body must be a JSON object");
            }
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
        if (start < 0 || end <= start || end > raw.length || raw[start] != '"' || raw[end - 1] != '"') {
            throw new Invalid("Request body is not valid JSON");
        }
        return new RequestBody(raw, model, start, end, stream);
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    public int length() {
        return raw.length;
    }

    /** The body to send upstream: the original bytes with only the model string replaced. */
    public Buffer withModel(String upstreamModel) {
        if (upstreamModel == null || upstreamModel.equals(model)) {
            return Buffer.buffer(raw);
        }
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(upstreamModel);
        Buffer out = Buffer.buffer(raw.length - (modelEnd - modelStart) + quoted.length + 2);
        out.appendBytes(raw, 0, modelStart);
        out.appendByte((byte) '"').appendBytes(quoted).appendByte((byte) '"');
        out.appendBytes(raw, modelEnd, raw.length - modelEnd);
        return out;
    }
}

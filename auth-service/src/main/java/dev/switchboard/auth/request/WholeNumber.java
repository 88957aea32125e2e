package dev.switchboard.auth.request;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/**
 * Reads an integer field strictly: Jackson's own {@code Long} reader silently truncates {@code 1.5} to 1 and
 * answers a value beyond the long range with an error the problem mappers can only call unreadable JSON (400).
 * Here both are a mismatch of the field, which the admin kit answers with 422 naming it; the range of the column
 * is then a {@code @Max} of the request.
 */
public final class WholeNumber extends StdScalarDeserializer<Long> {

    public WholeNumber() {
        super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        return (Long) ctxt.handleUnexpectedToken(Long.class, p);
    }

    /** A value a request has already bounded with {@code @Max(Integer.MAX_VALUE)}, for its int column. */
    public static Integer toInt(Long value) {
        return value == null ? null : Math.toIntExact(value);
    }
}

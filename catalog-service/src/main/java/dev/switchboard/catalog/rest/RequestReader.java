package dev.switchboard.catalog.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.FieldError;
import dev.switchboard.catalog.api.Requests;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a create body ({@link Requests.Body}) strictly: a field the record does not have is a 422 naming it,
 * listed together with every constraint the rest of the body breaks (one answer names every problem, as a
 * form would want). A body without unknown fields is left to {@code @Valid} on the resource parameter.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class RequestReader implements MessageBodyReader<Requests.Body> {

    private final ObjectMapper mapper;
    private final Validator validator;

    public RequestReader(ObjectMapper mapper, Validator validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return Requests.Body.class.isAssignableFrom(type);
    }

    @Override
    public Requests.Body readFrom(Class<Requests.Body> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, String> headers, InputStream entity) throws IOException {
        try {
            return read(type, mapper.readTree(entity));
        } catch (JsonProcessingException e) {
            // the kit's mapper turns it into 400 (unreadable) or 422 naming the mistyped field
            throw new BadRequestException(e);
        }
    }

    private Requests.Body read(Class<Requests.Body> type, JsonNode tree) throws IOException {
        if (tree == null || !tree.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        Requests.Body body = mapper.readerFor(type).withHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                    JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName) throws IOException {
                errors.add(new FieldError(path(p.getParsingContext(), propertyName), "unknown field"));
                p.skipChildren();
                return true;
            }
        }).readValue(tree);
        if (errors.isEmpty()) {
            return body;
        }
        for (ConstraintViolation<Requests.Body> v : validator.validate(body, Requests.OnCreate.class)) {
            String field = v.getPropertyPath().toString();
            errors.add(new FieldError(field.isEmpty() ? "body" : field, v.getMessage()));
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        throw ApiProblem.invalid(errors);
    }

    /** {@code failoverRules[1].colour}: the enclosing members and indexes, then the unknown name. */
    private static String path(JsonStreamContext context, String name) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context.getParent(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String prefix = String.join("", parts);
        prefix = prefix.startsWith(".") ? prefix.substring(1) : prefix;
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}

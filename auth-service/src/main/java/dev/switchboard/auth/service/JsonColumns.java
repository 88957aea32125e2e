package dev.switchboard.auth.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts the JSON text columns (lists and the ordered routing map). */
@ApplicationScoped
public class JsonColumns {

    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, List<String>>> ROUTING = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    public JsonColumns(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a column value", e);
        }
    }

    public List<String> list(String json) {
        return read(json, LIST, List.of());
    }

    public Map<String, List<String>> routing(String json) {
        return read(json, ROUTING, new LinkedHashMap<>());
    }

    private <T> T read(String json, TypeReference<? extends T> type, T empty) {
        if (json == null || json.isBlank()) {
            return empty;
        }
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON column holds invalid JSON", e);
        }
    }
}

package io.sluice.shell.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.task.json.TaskJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** How the commands print values: JSON for {@code --json}, short forms in tables. */
public final class ConsoleOutput {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final ObjectMapper json = TaskJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ObjectMapper oneLine = TaskJson.newMapper();

    public String json(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print as JSON: " + e.getOriginalMessage(), e);
        }
    }

    ObjectMapper mapper() {
        return json;
    }

    /** {@code 2026-11-28 10:00:00} (UTC), or empty. */
    public static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** A map as compact JSON, or empty. */
    public String compact(Map<String, Object> value) {
        if (value == null) {
            return "";
        }
        try {
            return oneLine.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}

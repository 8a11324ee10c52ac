package io.sluice.task.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sluice.task.AttemptRecord;
import io.sluice.task.ReportedStatus;
import io.sluice.task.TaskStatus;
import java.io.IOException;
import java.util.Locale;

/**
 * Makes the {@link ObjectMapper} of Sluice's JSON: {@code snake_case} field names, ISO-8601 instants and durations
 * ({@code PT5M}), statuses by
 * their wire names ({@code being_canceled}), nulls left out, unknown fields rejected on input.
 *
 * <pre>{@code ObjectMapper json = TaskJson.newMapper(); String body = json.writeValueAsString(statusView);}</pre>
 */
public final class TaskJson {

    private TaskJson() {
    }

    /** A new mapper; mappers are thread-safe once configured, so make one per component and keep it. */
    public static ObjectMapper newMapper() {
        SimpleModule statuses = new SimpleModule("sluice-statuses");
        statuses.addSerializer(TaskStatus.class, new WireNameSerializer<>(TaskStatus::wireName));
        statuses.addDeserializer(TaskStatus.class, new WireNameDeserializer<>(TaskStatus.class, TaskStatus::fromWireName));
        statuses.addSerializer(ReportedStatus.class, new WireNameSerializer<>(ReportedStatus::wireName));
        statuses.addDeserializer(ReportedStatus.class, new WireNameDeserializer<>(ReportedStatus.class,
            name -> ReportedStatus.valueOf(name.toUpperCase(Locale.ROOT))));
        statuses.addSerializer(AttemptRecord.Outcome.class,
            new WireNameSerializer<>(outcome -> outcome.name().toLowerCase(Locale.ROOT)));
        statuses.addDeserializer(AttemptRecord.Outcome.class, new WireNameDeserializer<>(AttemptRecord.Outcome.class,
            name -> AttemptRecord.Outcome.valueOf(name.toUpperCase(Locale.ROOT))));
        return new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(statuses)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    private static final class WireNameSerializer<E> extends JsonSerializer<E> {
        private final java.util.function.Function<E, String> name;

        WireNameSerializer(java.util.function.Function<E, String> name) {
            this.name = name;
        }

        @Override
        public void serialize(E value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(name.apply(value));
        }
    }

    private static final class WireNameDeserializer<E> extends JsonDeserializer<E> {
        private final Class<E> type;
        private final java.util.function.Function<String, E> parse;

        WireNameDeserializer(Class<E> type, java.util.function.Function<String, E> parse) {
            this.type = type;
            this.parse = parse;
        }

        @Override
        public E deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                return type.cast(context.handleWeirdStringValue(type, text, e.getMessage()));
            }
        }
    }
}

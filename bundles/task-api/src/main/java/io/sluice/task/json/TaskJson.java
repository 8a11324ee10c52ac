package io.sluice.task.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.stream.Collectors;
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
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
        // Registered after the JavaTimeModule, so it is asked first.
        statuses.addDeserializer(Instant.class, new CanonicalInstantDeserializer());
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

    /**
     * Makes a mapper strict for input: no silent conversions (1 is not "1", "3" is not 3, "true" is not true), no
     * duplicate keys, no text after the value, no nulls for primitives, no unknown fields.
     */
    public static ObjectMapper strict(ObjectMapper mapper) {
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean}) {
            for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.String}) {
                boolean natural = (type == LogicalType.Textual && shape == CoercionInputShape.String)
                    || (type == LogicalType.Integer && shape == CoercionInputShape.Integer)
                    || (type == LogicalType.Float && (shape == CoercionInputShape.Float || shape == CoercionInputShape.Integer))
                    || (type == LogicalType.Boolean && shape == CoercionInputShape.Boolean);
                if (!natural) {
                    mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
                }
            }
        }
        return mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * What was wrong with some JSON input, for a person: the field it concerns (a dotted path, or {@code null} for the
     * whole document) and what was expected. Never a Java class name.
     *
     * @param field the JSON path of the offending field, or {@code null}
     * @param message what is wrong
     */
    public record Problem(String field, String message) {
        /** The message, prefixed with the field when there is one. */
        @Override
        public String toString() {
            return field == null || field.isEmpty() ? message : "field '" + field + "': " + message;
        }
    }

    /** Describes a Jackson input error without Jackson's wording, which names Java types. */
    public static Problem describe(JsonProcessingException e) {
        String field = null;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            field = path.toString();
        }
        String message;
        if (e instanceof UnrecognizedPropertyException unknown) {
            message = "unknown field; known fields: " + unknown.getKnownPropertyIds().stream().map(String::valueOf)
                .sorted().collect(Collectors.joining(", "));
        } else if (e instanceof InvalidFormatException format) {
            message = "expected " + typeName(format.getTargetType()) + ", got " + format.getValue();
        } else if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            message = "there is more after the JSON value: send exactly one";
        } else if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            boolean missing = String.valueOf(mismatch.getOriginalMessage()).contains("null");
            message = (missing ? "required: " : "") + "expected " + typeName(mismatch.getTargetType());
        } else if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            // A record's own constructor check: its message is written for people.
            message = String.valueOf(instantiation.getCause().getMessage());
        } else {
            JsonLocation where = e.getLocation();
            String original = String.valueOf(e.getOriginalMessage()).replaceAll("\\s*\\(for [^)]*\\)", "");
            message = "not valid JSON: " + original.split("\n", 2)[0]
                + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")");
        }
        return new Problem(field, message);
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /**
     * Reads instants in the form Sluice writes them ({@link Instant#toString()}: {@code 2026-12-03T17:00:00.123Z})
     * without java.time's general parser, which took 3% of a busy node's CPU: every task document holds up to nine
     * instants, read back at every write. Anything else, numbers included, goes to the JavaTimeModule's deserializer,
     * so what is accepted and the errors are unchanged; so does every property or type with a format of its own
     * ({@code @JsonFormat} pattern, leniency, time zone).
     */
    static final class CanonicalInstantDeserializer extends JsonDeserializer<Instant> implements ContextualDeserializer {
        private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property)
            throws JsonMappingException {
            JsonDeserializer<?> jackson = InstantDeserializer.INSTANT.createContextual(context, property);
            // Jackson's own answers itself unless there is nothing to configure: then the defaults hold, and so does this.
            return jackson == InstantDeserializer.INSTANT ? this : jackson;
        }

        @Override
        public Class<?> handledType() {
            return Instant.class;
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                Instant instant = canonical(parser.getText());
                if (instant != null) {
                    return instant;
                }
            }
            return InstantDeserializer.INSTANT.deserialize(parser, context);
        }

        /** {@code uuuu-MM-ddTHH:mm:ss[.f{1,9}]Z} with a valid date and time, else null. */
        static Instant canonical(String text) {
            int length = text.length();
            if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
                return null;
            }
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            if ((year | month | day | hour | minute | second) < 0) {
                return null;
            }
            int nanos = 0;
            if (length > 20) {
                int fractionDigits = length - 21;
                int fraction = digits(text, 20, length - 1);
                if (text.charAt(19) != '.' || fractionDigits < 1 || fraction < 0) {
                    return null;
                }
                nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
            }
            try {
                return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                return null; // 2026-02-30, 24:00, a leap second: the general parser decides
            }
        }

        private static int digits(String text, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }
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

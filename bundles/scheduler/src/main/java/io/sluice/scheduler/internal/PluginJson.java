package io.sluice.scheduler.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sluice.task.InvalidParamsException;
import io.sluice.task.TaskDefinition;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plugin-owned JSON: params and payloads keep the field names the plugin's classes declare (no snake_case, unlike
 * Sluice's own fields). Binding is strict: unknown fields and nulls for primitives are errors that name the field.
 */
final class PluginJson {

    // Nulls are dropped, as the store drops them: what a write returns equals what a later read gives.
    private final ObjectMapper mapper = strict(new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES));

    /** No silent conversions: 1 is not "1", "3" is not 3, "true" is not true. */
    private static ObjectMapper strict(ObjectMapper mapper) {
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
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
        return mapper.disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }

    /**
     * Binds params (a Map, an instance of the params class, or {@code null} for none) to the type's params class and
     * runs its own checks.
     *
     * @throws InvalidParamsException naming the field
     */
    <P> P bind(TaskDefinition<P, ?> definition, Object params) {
        JsonNode tree = params == null ? mapper.createObjectNode() : mapper.valueToTree(params);
        if (!tree.isObject()) {
            throw new InvalidParamsException(null, "params must be a JSON object, got " + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        P bound;
        try {
            bound = mapper.treeToValue(tree, definition.paramsType());
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IllegalArgumentException e) {
            // A params record's own constructor check.
            throw new InvalidParamsException(null, e.getMessage());
        }
        definition.validate(bound);
        return bound;
    }

    /**
     * Binds stored params (already checked when scheduled) for a run.
     *
     * @throws InvalidParamsException if the plugin's params class changed in a way the stored params no longer fit
     */
    <P> P rebind(Class<P> type, Map<String, Object> stored) {
        try {
            return mapper.treeToValue(mapper.valueToTree(stored), type);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
    }

    /** A value as a JSON object, for storing. */
    @SuppressWarnings("unchecked")
    Map<String, Object> toObject(Object value, String what) {
        JsonNode tree = value == null ? mapper.createObjectNode() : mapper.valueToTree(value);
        if (!tree.isObject()) {
            throw new IllegalArgumentException(what + " must serialise to a JSON object, got "
                + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return mapper.convertValue(tree, Map.class);
    }

    /** The size of a value as JSON, in bytes. */
    long size(Object value) {
        try {
            return mapper.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable to JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static InvalidParamsException invalid(JsonProcessingException e) {
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
        } else if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            boolean missing = String.valueOf(mismatch.getOriginalMessage()).contains("null");
            message = (missing ? "required: " : "") + "expected " + typeName(mismatch.getTargetType());
        } else {
            message = e.getOriginalMessage();
        }
        return new InvalidParamsException(field, message);
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a " + type.getSimpleName();
    }
}

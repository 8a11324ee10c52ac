package io.sluice.scheduler.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sluice.task.InvalidParamsException;
import io.sluice.task.json.TaskJson;
import io.sluice.task.spi.TaskDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plugin-owned JSON: params and payloads keep the field names the plugin's classes declare (no snake_case, unlike
 * Sluice's own fields). Binding is strict: unknown fields and nulls for primitives are errors that name the field.
 *
 * <p>A Jackson mapper caches what it learned about every class it handled, and so keeps their class loader alive. A
 * plugin's classes are therefore handled by a mapper of their own (one per class loader), which {@link #forget} drops
 * when the plugin's type goes away: {@code bundle:update} of a plugin leaves no old class loader behind.
 */
final class PluginJson {

    private final ObjectMapper shared = newMapper();
    private final Map<ClassLoader, ObjectMapper> byLoader = new ConcurrentHashMap<>();

    // Nulls are dropped, as the store drops them: what a write returns equals what a later read gives.
    private static ObjectMapper newMapper() {
        return TaskJson.strict(new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));
    }

    /** The mapper for values of a class: its plugin's own, or the shared one for Sluice's and the JDK's classes. */
    private ObjectMapper mapper(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == PluginJson.class.getClassLoader() || loader == Map.class.getClassLoader()) {
            return shared;
        }
        return byLoader.computeIfAbsent(loader, l -> newMapper());
    }

    /** Drops what was learned about the classes of a plugin whose type went away. */
    void forget(TaskDefinition<?, ?> definition) {
        byLoader.remove(definition.getClass().getClassLoader());
        byLoader.remove(definition.paramsType().getClassLoader());
    }

    /** How many plugin class loaders have a mapper now (for tests). */
    int pluginMappers() {
        return byLoader.size();
    }

    /**
     * Binds params (a Map, an instance of the params class, or {@code null} for none) to the type's params class and
     * runs its own checks.
     *
     * @throws InvalidParamsException naming the field
     */
    <P> P bind(TaskDefinition<P, ?> definition, Object params) {
        ObjectMapper mapper = mapper(definition.paramsType());
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
        ObjectMapper mapper = mapper(type);
        try {
            return mapper.treeToValue(mapper.valueToTree(stored), type);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
    }

    /** A value as a JSON object, for storing. */
    @SuppressWarnings("unchecked")
    Map<String, Object> toObject(Object value, String what) {
        ObjectMapper mapper = value == null ? shared : mapper(value.getClass());
        JsonNode tree = value == null ? mapper.createObjectNode() : mapper.valueToTree(value);
        if (!tree.isObject()) {
            throw new IllegalArgumentException(what + " must serialise to a JSON object, got "
                + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return shared.convertValue(tree, Map.class);
    }

    /** The size of a value as JSON, in bytes. */
    long size(Object value) {
        try {
            return shared.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable to JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static InvalidParamsException invalid(JsonProcessingException e) {
        TaskJson.Problem problem = TaskJson.describe(e);
        return new InvalidParamsException(problem.field(), problem.message());
    }
}

package io.sluice.identification.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.identification.KeptFeature;
import io.sluice.task.json.TaskJson;
import java.util.Map;

/** The bundle's one JSON mapping: kept features to and from their documents, Sluice's snake_case throughout. */
final class FeatureJson {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper mapper = TaskJson.newMapper();

    Map<String, Object> toDocument(KeptFeature feature) {
        return mapper.convertValue(feature, MAP);
    }

    KeptFeature fromDocument(Map<String, Object> document) {
        return mapper.convertValue(document, KeptFeature.class);
    }

    /** Any value as plain JSON maps and lists (for payloads). */
    Object plain(Object value) {
        return mapper.convertValue(value, Object.class);
    }
}

package io.sluice.opensearch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;
import java.util.Objects;

/**
 * A document already serialized to JSON, sent to OpenSearch as it is (a {@link GroupCommit} write's source, for
 * example). A writer that also needs the document's bytes for itself serializes it once instead of building a tree
 * that the client serializes again.
 *
 * @param json one JSON object, as its writer produced it; not checked here, OpenSearch refuses it if malformed
 * @since 1.3
 */
public record RawJson(String json) implements JsonSerializable {

    /** The JSON is required. */
    public RawJson {
        Objects.requireNonNull(json, "json");
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider serializers) throws IOException {
        generator.writeRawValue(json);
    }

    @Override
    public void serializeWithType(JsonGenerator generator, SerializerProvider serializers, TypeSerializer typeSerializer)
        throws IOException {
        serialize(generator, serializers);
    }
}

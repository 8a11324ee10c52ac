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
 * @param json one JSON object on one line, as its writer produced it (compact, not pretty-printed): a bulk request
 *     is one line per document, so a line break would split it. Not parsed here; OpenSearch refuses it if malformed.
 * @since 1.3
 */
public record RawJson(String json) implements JsonSerializable {

    /**
     * The JSON is required, on one line.
     *
     * @throws IllegalArgumentException if it holds a line break
     */
    public RawJson {
        Objects.requireNonNull(json, "json");
        if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a raw JSON document must be on one line: a bulk request is one line per "
                + "document");
        }
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

package io.sluice.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.opensearch.client.json.JsonpDeserializer;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch.indices.IndexSettings;

/**
 * An index's settings and mappings, read from JSON ({@code {"settings": {...}, "mappings": {...}}}), to create indices
 * with. Losing a creation race to another node is success.
 */
public final class IndexDefinition {

    private final JsonNode definition;

    /** Reads the definition (and closes the stream). */
    public IndexDefinition(InputStream json) {
        try (InputStream in = Objects.requireNonNull(json, "definition")) {
            this.definition = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an index definition", e);
        }
    }

    /**
     * Creates the index unless it exists.
     *
     * @return whether this call created it
     * @throws RuntimeException as {@link SystemIndex#failure} maps client errors
     */
    public boolean createIfAbsent(OpenSearchClient client, String index) {
        try {
            if (client.indices().exists(e -> e.index(index)).value()) {
                return false;
            }
            JsonpMapper mapper = client._transport().jsonpMapper();
            TypeMapping mappings = parse(TypeMapping._DESERIALIZER, definition.get("mappings"), mapper);
            IndexSettings settings = parse(IndexSettings._DESERIALIZER, definition.get("settings"), mapper);
            client.indices().create(c -> c.index(index).settings(settings).mappings(mappings));
            return true;
        } catch (IOException | OpenSearchException e) {
            if (e instanceof OpenSearchException o && "resource_already_exists_exception".equals(o.error().type())) {
                return false;
            }
            throw SystemIndex.failure("create index " + index, e);
        }
    }

    private static <T> T parse(JsonpDeserializer<T> deserializer, JsonNode json, JsonpMapper mapper) {
        try (JsonParser parser = mapper.jsonProvider().createParser(new StringReader(json.toString()))) {
            return deserializer.deserialize(parser, mapper);
        }
    }
}

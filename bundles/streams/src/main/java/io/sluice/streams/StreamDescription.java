package io.sluice.streams;

import java.time.Instant;
import java.util.List;

/**
 * One stream, described.
 *
 * @param name the stream
 * @param documents how many documents it holds
 * @param from its oldest {@code @timestamp}, or null when empty
 * @param to its newest {@code @timestamp}, or null when empty
 * @param fields its fields with their mapped types, by name
 */
public record StreamDescription(String name, long documents, Instant from, Instant to, List<Field> fields) {

    /** Copies the list. */
    public StreamDescription {
        fields = List.copyOf(fields);
    }

    /**
     * A mapped field.
     *
     * @param name its dotted path
     * @param type its OpenSearch type
     */
    public record Field(String name, String type) {
    }
}

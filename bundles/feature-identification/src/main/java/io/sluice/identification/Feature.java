package io.sluice.identification;

import java.util.Map;
import java.util.Objects;

/**
 * A system found in a stream, in Kibana's shape.
 *
 * @param type always {@code system}
 * @param name what it is called, unique within one identification
 * @param description built from its evidence: how it was recognised, its frequent messages, its time range
 * @param filter a condition in Kibana's shape ({@code {field, eq: value}}, {@code {and: [...]}}, ...)
 * @param query the OpenSearch query DSL the filter translates to, ready for {@code _count}
 * @param evidence what the description is built from: sample count, top templates, top field values, time range
 * @param confidence 0 to 100
 * @param level {@code source} (one origin of logs) or {@code component} (a program or logger inside a source)
 * @param parent the name of a component's source; null for a source
 * @param count how many documents of the stream the query selects (in the identified time range)
 */
public record Feature(String type, String name, String description, Map<String, Object> filter, Map<String, Object> query,
                      Map<String, Object> evidence, int confidence, String level, String parent, long count) {

    /** The one feature type identification finds. */
    public static final String SYSTEM = "system";

    /** Checks the required parts. */
    public Feature {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(filter, "filter");
        if (confidence < 0 || confidence > 100) {
            throw new IllegalArgumentException("confidence must be 0 to 100, got " + confidence);
        }
    }
}

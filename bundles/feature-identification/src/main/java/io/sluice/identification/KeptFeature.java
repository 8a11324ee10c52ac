package io.sluice.identification;

import java.time.Instant;
import java.util.Map;

/**
 * A feature a user kept for a stream, as stored in {@code .sluice-stream-features}.
 *
 * @param id a hash of the stream and the feature's name: keeping a feature of the same name again replaces it
 * @param stream the stream
 * @param type the feature type ({@code system})
 * @param name its name
 * @param description its description
 * @param filter its condition, in Kibana's shape
 * @param query the OpenSearch query of the filter
 * @param confidence 0 to 100
 * @param keptBy who kept it
 * @param keptAt when
 * @param lastSeen when identification last found it again (at first, when it was kept)
 */
public record KeptFeature(String id, String stream, String type, String name, String description,
                          Map<String, Object> filter, Map<String, Object> query, int confidence, String keptBy,
                          Instant keptAt, Instant lastSeen) {
}

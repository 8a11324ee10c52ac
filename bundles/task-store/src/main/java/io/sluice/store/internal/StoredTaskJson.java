package io.sluice.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.opensearch.RawJson;
import io.sluice.security.TaskApiKey;
import io.sluice.store.TaskRecord;
import io.sluice.task.AttemptRecord;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskError;
import io.sluice.task.TaskStatus;
import io.sluice.task.json.TaskJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The storage layout of a task document, and the one place that maps it: top-level fields are indexed for search;
 * params, payload, error, progress and the attempt log sit in {@code task}, stored but not indexed.
 */
final class StoredTaskJson {

    /** The document as stored. */
    record Source(String id, String type, TaskStatus status, String stream, String space, String owner,
                  Instant createdAt, Instant updatedAt, Instant heartbeatAt, String node, int attempt,
                  Instant lastCompletedAt, Instant lastFailedAt, Instant lastCanceledAt, Instant lastAcknowledgedAt,
                  Instant runAfter, Body task) {
    }

    /** The {@code task} object: stored, never indexed. */
    record Body(Map<String, Object> params, Map<String, Object> payload, TaskError error, Map<String, Object> progress,
                List<AttemptRecord> attempts, TaskApiKey apiKey) {
    }

    private final ObjectMapper mapper = TaskJson.newMapper();

    /**
     * A record's document, serialized once (this runs at every write): sent to OpenSearch as it is, and read back into
     * the record exactly as a later read will give it (numbers as JSON text reads them, for example), so that what the
     * change feed remembers of a write equals what a GET would return.
     */
    record Encoded(RawJson source, TaskRecord asRead) {
    }

    Encoded encode(TaskRecord record) {
        TaskDocument d = record.document();
        Source source = new Source(d.id(), d.type(), d.status(), d.stream(), d.space(), d.owner(),
            d.createdAt(), d.updatedAt(), d.heartbeatAt(), d.node(), d.attempt(),
            d.lastCompletedAt(), d.lastFailedAt(), d.lastCanceledAt(), d.lastAcknowledgedAt(), record.runAfter(),
            new Body(d.params(), d.payload(), d.error(), d.progress(), d.attempts(), record.apiKey()));
        try {
            byte[] bytes = mapper.writeValueAsBytes(source);
            return new Encoded(new RawJson(new String(bytes, StandardCharsets.UTF_8)), toRecord(mapper.readValue(bytes, Source.class)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("task document " + d.id() + " does not read back", e);
        }
    }

    TaskRecord fromSource(ObjectNode json) {
        Source s;
        try {
            s = mapper.treeToValue(json, Source.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task document " + json.path("id").asText("?") + " is not readable: "
                + e.getOriginalMessage(), e);
        }
        return toRecord(s);
    }

    private static TaskRecord toRecord(Source s) {
        Body body = s.task() == null ? new Body(null, null, null, null, null, null) : s.task();
        return new TaskRecord(new TaskDocument(s.id(), s.type(), s.status(), s.stream(), s.space(), s.owner(),
            s.createdAt(), s.updatedAt(), s.heartbeatAt(), s.node(), s.attempt(),
            s.lastCompletedAt(), s.lastFailedAt(), s.lastCanceledAt(), s.lastAcknowledgedAt(),
            body.params(), body.payload(), body.error(), body.progress(), body.attempts()), s.runAfter(), body.apiKey());
    }
}

package io.sluice.task;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task as stored: one document per task in the task index.
 *
 * <p>{@code params}, {@code payload}, {@code error}, {@code progress} and {@code attempts} live in the
 * document's {@code task} object, which is stored but not indexed.
 *
 * @param id the task id; for stream tasks {@code <type>_<stream>}
 * @param type the task type
 * @param status the stored status
 * @param stream the stream the task works on, or {@code null}
 * @param space the space (tenant) it belongs to
 * @param owner the user who last scheduled it
 * @param createdAt set on every schedule
 * @param updatedAt the last write
 * @param heartbeatAt the last sign of life from the node running it, or {@code null} while unclaimed
 * @param node the node holding the current run, or {@code null}
 * @param attempt how many runs were started since the last schedule
 * @param lastCompletedAt history across reschedules
 * @param lastFailedAt history across reschedules
 * @param lastCanceledAt history across reschedules
 * @param lastAcknowledgedAt history across reschedules
 * @param params the params as JSON values
 * @param payload the result, for {@code completed} and {@code acknowledged} only
 * @param error the error, for {@code failed} only
 * @param progress the latest progress the run reported, or {@code null}
 * @param attempts the attempt log, oldest first, at most ten entries
 */
public record TaskDocument(
    String id,
    String type,
    TaskStatus status,
    String stream,
    String space,
    String owner,
    Instant createdAt,
    Instant updatedAt,
    Instant heartbeatAt,
    String node,
    int attempt,
    Instant lastCompletedAt,
    Instant lastFailedAt,
    Instant lastCanceledAt,
    Instant lastAcknowledgedAt,
    Map<String, Object> params,
    Map<String, Object> payload,
    TaskError error,
    Map<String, Object> progress,
    List<AttemptRecord> attempts) {

    /** Copies the collections, so a document never changes after it is made. */
    public TaskDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        payload = payload == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(payload));
        progress = progress == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(progress));
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** The view of a task that has no document: {@code not_started}, nothing else known. */
    public static TaskDocument notStarted(String id) {
        return new TaskDocument(id, null, TaskStatus.NOT_STARTED, null, null, null, null, null, null, null, 0,
            null, null, null, null, Map.of(), null, null, null, List.of());
    }
}

package io.sluice.task;

import java.time.Instant;
import java.util.Map;

/**
 * The read view a UI polls: what {@code GET .../_status} answers.
 *
 * @param id the task id
 * @param type the task type, or {@code null} for {@code not_started}
 * @param status the reported status ({@code stale} computed)
 * @param storedStatus the status in the document
 * @param staleReason why the task is {@code stale}, or {@code null}
 * @param stream the stream, or {@code null}
 * @param space the space it belongs to, or {@code null} for {@code not_started}
 * @param owner the user who scheduled it, or {@code null}
 * @param node the node holding the run, or {@code null}
 * @param createdAt when it was last scheduled
 * @param updatedAt the last write
 * @param heartbeatAt the last heartbeat, or {@code null}
 * @param attempt the run count since the last schedule
 * @param payload the result, for {@code completed} and {@code acknowledged} only (spread flat in JSON)
 * @param error the error, for {@code failed} only
 * @param progress the latest progress, for running tasks
 * @param version the stored document's version ({@code <primary term>.<seq no>}), or {@code null} when there is none
 */
public record TaskStatusView(
    String id,
    String type,
    ReportedStatus status,
    TaskStatus storedStatus,
    String staleReason,
    String stream,
    String space,
    String owner,
    String node,
    Instant createdAt,
    Instant updatedAt,
    Instant heartbeatAt,
    int attempt,
    Map<String, Object> payload,
    TaskError error,
    Map<String, Object> progress,
    String version) {

    /**
     * An entity tag for this view: it changes exactly when what a poller sees changes, that is when the document is
     * written or when the task turns stale (the stale reason names a fixed instant, so reading a stale task again gives
     * the same tag). Equal on every node for the same document.
     */
    public String etag() {
        return "\"" + (version == null ? "absent" : version) + "-" + status.wireName() + "\"";
    }
}

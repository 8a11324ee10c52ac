package io.sluice.store;

import io.sluice.task.TaskDocument;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything stored for a task: the document users see, and what only Sluice uses.
 *
 * @param document the task document
 * @param runAfter when a queued task may be claimed again (retry backoff), or {@code null} for at once
 */
public record TaskRecord(TaskDocument document, Instant runAfter) {

    /** The document is required, with its space. */
    public TaskRecord {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(document.space(), "document.space");
    }

    /** A record with no backoff. */
    public static TaskRecord of(TaskDocument document) {
        return new TaskRecord(document, null);
    }

    /** The task id. */
    public String id() {
        return document.id();
    }
}

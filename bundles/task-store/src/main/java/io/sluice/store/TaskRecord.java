package io.sluice.store;

import io.sluice.security.TaskApiKey;
import io.sluice.task.TaskDocument;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything stored for a task: the document users see, and what only Sluice uses.
 *
 * @param document the task document
 * @param runAfter when a queued task may be claimed again (retry backoff), or {@code null} for at once
 * @param apiKey the task API key of the current schedule (its secret encrypted), or {@code null}; an ended task
 *     ({@link io.sluice.task.TaskStatus#isTerminal()}) holds none
 */
public record TaskRecord(TaskDocument document, Instant runAfter, TaskApiKey apiKey) {

    /** The document is required, with its space. */
    public TaskRecord {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(document.space(), "document.space");
    }

    /** A record with no backoff and no key. */
    public static TaskRecord of(TaskDocument document) {
        return new TaskRecord(document, null, null);
    }

    /**
     * The same run with a new document: the key is kept, unless the task ends (no run may open it after that), and any
     * backoff ends.
     */
    public TaskRecord next(TaskDocument next) {
        return next(next, null);
    }

    /** The same run with a new document, queued until {@code until}; the key is kept unless the task ends. */
    public TaskRecord next(TaskDocument next, Instant until) {
        return new TaskRecord(next, until, next.status().isTerminal() ? null : apiKey);
    }

    /** The task id. */
    public String id() {
        return document.id();
    }
}

package io.sluice.task;

import java.util.Locale;

/**
 * The status a reader sees: the stored {@link TaskStatus}, except that an {@code in_progress} or
 * {@code being_canceled} task whose node stopped beating (or that no node ever claimed) for
 * {@code staleAfter} is reported {@code stale}.
 */
public enum ReportedStatus {
    /** See {@link TaskStatus#NOT_STARTED}. */
    NOT_STARTED,
    /** See {@link TaskStatus#IN_PROGRESS}. */
    IN_PROGRESS,
    /** See {@link TaskStatus#BEING_CANCELED}. */
    BEING_CANCELED,
    /** See {@link TaskStatus#CANCELED}. */
    CANCELED,
    /** See {@link TaskStatus#FAILED}. */
    FAILED,
    /** See {@link TaskStatus#COMPLETED}. */
    COMPLETED,
    /** See {@link TaskStatus#ACKNOWLEDGED}. */
    ACKNOWLEDGED,
    /** Nobody is working on the task although its stored status says someone should be. */
    STALE;

    /** The name used in JSON, for example {@code being_canceled}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reported status of a stored status that is not stale. */
    public static ReportedStatus of(TaskStatus status) {
        return valueOf(status.name());
    }
}

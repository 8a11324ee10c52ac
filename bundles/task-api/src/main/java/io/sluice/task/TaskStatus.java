package io.sluice.task;

import java.util.Locale;

/**
 * The status stored in a task document. {@code stale} is never stored: it is computed on read
 * (see {@link ReportedStatus}).
 */
public enum TaskStatus {
    /** No run was ever scheduled (the view of an absent document). */
    NOT_STARTED,
    /** Scheduled and either queued or running. */
    IN_PROGRESS,
    /** A cancel was stored; the run has not acknowledged it yet. */
    BEING_CANCELED,
    /** The run stopped after a cancel. */
    CANCELED,
    /** The run ended with an error, or ran out of attempts. */
    FAILED,
    /** The run ended with a payload that nobody has acknowledged yet. */
    COMPLETED,
    /** The payload was read and acknowledged. */
    ACKNOWLEDGED;

    /** The name used in documents and JSON, for example {@code being_canceled}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether no run is going on or expected: a new schedule starts a fresh run. */
    public boolean isTerminal() {
        return this == CANCELED || this == FAILED || this == COMPLETED || this == ACKNOWLEDGED;
    }

    /**
     * Parses a {@link #wireName()}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static TaskStatus fromWireName(String name) {
        for (TaskStatus status : values()) {
            if (status.wireName().equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown task status '" + name + "', expected one of "
            + java.util.Arrays.stream(values()).map(TaskStatus::wireName).toList());
    }
}

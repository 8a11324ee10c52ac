package io.sluice.task.spi;

/** Thrown by {@link CancellationSignal#throwIfCancelled()} inside a run whose signal has fired. */
public class TaskCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final CancellationReason reason;

    /** @param reason why the run was cancelled */
    public TaskCancelledException(CancellationReason reason) {
        super("task run cancelled: " + reason.name().toLowerCase(java.util.Locale.ROOT));
        this.reason = reason;
    }

    /** Why the run was cancelled. */
    public CancellationReason reason() {
        return reason;
    }
}

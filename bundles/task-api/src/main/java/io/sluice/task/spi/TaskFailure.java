package io.sluice.task.spi;

/**
 * An expected error in a task: thrown from {@link TaskDefinition#run(TaskContext)} it ends the task
 * {@code failed} at once, with this message and code and without a retry.
 */
public class TaskFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code a stable, machine-readable error code, for example {@code stream_empty}
     * @param message what went wrong, for the user
     */
    public TaskFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * @param code a stable, machine-readable error code
     * @param message what went wrong, for the user
     * @param cause the underlying error
     */
    public TaskFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The machine-readable error code. */
    public String code() {
        return code;
    }
}

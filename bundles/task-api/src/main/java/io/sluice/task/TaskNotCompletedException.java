package io.sluice.task;

/** An acknowledge was refused because the task is not {@code completed} (HTTP 409). */
public class TaskNotCompletedException extends TaskException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public TaskNotCompletedException(String message) {
        super(message);
    }

    @Override
    public int statusCode() {
        return 409;
    }
}

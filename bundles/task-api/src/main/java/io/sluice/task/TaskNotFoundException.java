package io.sluice.task;

/** No such task, or one the caller may not read (HTTP 404). */
public class TaskNotFoundException extends TaskException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public TaskNotFoundException(String message) {
        super(message);
    }

    @Override
    public int statusCode() {
        return 404;
    }
}

package io.sluice.task;

/** The task kept changing under this call; it gave up after a bounded number of retries (HTTP 409). */
public class TaskConflictException extends TaskException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public TaskConflictException(String message) {
        super(message);
    }

    @Override
    public int statusCode() {
        return 409;
    }
}

package io.sluice.task;

/**
 * The base of the errors {@link TaskClient} reports. Each says which HTTP status describes it best, so
 * every front end (REST, console) reports it the same way.
 */
public abstract class TaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    protected TaskException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, for the user
     * @param cause the underlying error
     */
    protected TaskException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The HTTP status that describes this error: 400, 403, 404, 409 or 503. */
    public abstract int statusCode();
}

package io.sluice.task;

/** A schedule was refused because a cancel of the same task is still being carried out (HTTP 409). */
public class CancellationInProgressException extends TaskException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public CancellationInProgressException(String message) {
        super(message);
    }

    @Override
    public int statusCode() {
        return 409;
    }
}

package io.sluice.task;

/** The caller may read the task or stream but lacks the privilege for this action (HTTP 403). */
public class ForbiddenException extends TaskException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public ForbiddenException(String message) {
        super(message);
    }

    @Override
    public int statusCode() {
        return 403;
    }
}

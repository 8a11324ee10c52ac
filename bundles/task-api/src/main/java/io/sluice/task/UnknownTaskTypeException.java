package io.sluice.task;

/** No installed bundle provides the requested task type (HTTP 400). Nothing was written. */
public class UnknownTaskTypeException extends TaskException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public UnknownTaskTypeException(String message) {
        super(message);
    }

    @Override
    public int statusCode() {
        return 400;
    }
}

package io.sluice.task;

/** The task store (OpenSearch) could not be reached or refused the request (HTTP 503). */
public class StoreUnavailableException extends TaskException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for the operator
     * @param cause the client error
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int statusCode() {
        return 503;
    }
}

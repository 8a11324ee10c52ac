package io.sluice.streams;

import io.sluice.task.TaskException;

/** Why a stream request was refused, with the HTTP status that says it best (400, 403, 404, 413 or 503). */
public class StreamException extends TaskException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;

    /**
     * @param statusCode the HTTP status
     * @param message what went wrong, for the user
     */
    public StreamException(int statusCode, String message) {
        super(message);
        this.statusCode = statusCode;
    }

    /**
     * @param statusCode the HTTP status
     * @param message what went wrong, for the user
     * @param cause the underlying error
     */
    public StreamException(int statusCode, String message, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    @Override
    public int statusCode() {
        return statusCode;
    }

    /** A stream that does not exist, or that the caller may not read: the same answer for both. */
    public static StreamException notFound(String stream) {
        return new StreamException(404, "stream " + stream + " not found");
    }
}

package io.sluice.store;

/**
 * A conditional write lost: the document changed (or appeared, or vanished) since it was read. Nothing was written;
 * read again and decide again.
 */
public class StoreConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message which task and which write */
    public StoreConflictException(String message) {
        super(message);
    }
}

package io.sluice.task;

/**
 * A page of a listing, newest {@code created_at} first.
 *
 * @param from how many entries to skip, from 0
 * @param size how many entries to return, 1 to {@value #MAX_SIZE}
 */
public record PageRequest(int from, int size) {
    /** The largest page. */
    public static final int MAX_SIZE = 1000;

    /** Checks the bounds. */
    public PageRequest {
        if (from < 0) {
            throw new IllegalArgumentException("from must be 0 or more, got " + from);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE + ", got " + size);
        }
    }

    /** The first page of the given size. */
    public static PageRequest first(int size) {
        return new PageRequest(0, size);
    }
}

package io.sluice.store;

/**
 * The store's health.
 *
 * @param status {@code green}, {@code yellow}, {@code red} or {@code unavailable}
 * @param message why the store is not usable, or {@code null}
 */
public record StoreHealth(String status, String message) {

    /** Whether tasks can be read and written: the cluster is green or yellow. */
    public boolean available() {
        return "green".equals(status) || "yellow".equals(status);
    }
}

package io.sluice.security;

import io.sluice.auth.Caller;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Task API keys: the identity a task runs with. {@code schedule} mints one from the scheduling caller, freezing what
 * that caller may read and manage at that moment; the running task gets scoped clients through it, never wider than
 * at schedule time; it is revoked when its task ends (if a run may have stored it, below). Only the hash of a secret
 * is indexed; the task document holds the secret encrypted with the node key.
 *
 * <p>An implementation may store a key's document only when the key is first {@linkplain #open opened} (Sluice's
 * does: most tasks never act on their user's behalf), and says so through {@link #storedOnFirstUse}. A key that was
 * never opened then has no document, and its holder may skip revoking it if no run could have opened it and none
 * ever will; revoking it anyway is harmless, and stops any later first use.
 */
@ProviderType
public interface TaskApiKeys {

    /**
     * Mints a key for a task run on behalf of {@code caller}.
     *
     * @throws IllegalStateException if the node has no encryption key (tasks run on a user's behalf are refused then)
     */
    TaskApiKey mint(Caller caller, String taskId, Duration lifetime);

    /**
     * Mints a key as {@link #mint} does, without waiting for it to be stored, so that the caller can write its task
     * meanwhile: one round trip to OpenSearch instead of two (when the node sends writes in bulks; with group commit
     * off the key is stored before this returns). The key works only once {@link Pending#awaitStored()} returns: the
     * caller must not let the task run before, on this node or any other, and must undo the task if it throws.
     *
     * @throws IllegalStateException if the node has no encryption key
     * @since 1.3
     */
    default Pending startMint(Caller caller, String taskId, Duration lifetime) {
        return new Pending(mint(caller, taskId, lifetime), CompletableFuture.completedFuture(null));
    }

    /**
     * A key whose document is being stored.
     *
     * @param key the key, to seal into its task document at once
     * @param stored completes when the key's document is stored, exceptionally if it could not be
     * @since 1.3
     */
    record Pending(TaskApiKey key, CompletableFuture<?> stored) {

        /** Both are required. */
        public Pending {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(stored, "stored");
        }

        /**
         * Waits until the key is stored.
         *
         * @return the key, now usable
         * @throws RuntimeException what storing it failed with (for example {@code StoreUnavailableException})
         */
        public TaskApiKey awaitStored() {
            try {
                stored.join();
                return key;
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }

    /**
     * The caller a key acts as, for the task that holds it: its user and roles, with the scope frozen when it was
     * minted ({@link Caller#apiKey()}). Hand it to the {@code ScopedClientFactory} for the task's clients.
     *
     * @throws AuthenticationException if the key is unknown, expired or revoked, or cannot be opened on this node
     */
    Caller open(TaskApiKey key);

    /** Revokes a key; later use of it fails. Revoking twice is harmless. */
    void revoke(TaskApiKey key);

    /**
     * Whether this key's document is stored only when it is first opened: if so, a key nobody opened has nothing to
     * revoke. False (the safe answer) unless the implementation knows.
     *
     * @since 1.4
     */
    default boolean storedOnFirstUse(TaskApiKey key) {
        return false;
    }
}

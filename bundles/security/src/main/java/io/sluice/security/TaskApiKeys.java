package io.sluice.security;

import io.sluice.auth.Caller;
import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Task API keys: the identity a task runs with. {@code schedule} mints one from the scheduling caller, freezing what
 * that caller may read and manage at that moment; the running task gets scoped clients through it, never wider than
 * at schedule time; it is revoked when the run ends. Only the hash of a secret is indexed; the task document holds
 * the secret encrypted with the node key.
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
     * The caller a key acts as, for the task that holds it: its user and roles, with the scope frozen when it was
     * minted ({@link Caller#apiKey()}). Hand it to the {@code ScopedClientFactory} for the task's clients.
     *
     * @throws AuthenticationException if the key is unknown, expired or revoked, or cannot be opened on this node
     */
    Caller open(TaskApiKey key);

    /** Revokes a key; later use of it fails. Revoking twice is harmless. */
    void revoke(TaskApiKey key);
}

package io.sluice.auth;

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
     * The scoped clients of a key, for the task that holds it.
     *
     * @throws AuthenticationException if the key is unknown, expired or revoked
     */
    ScopedClients clients(TaskApiKey key);

    /** Revokes a key; later use of it fails. Revoking twice is harmless. */
    void revoke(TaskApiKey key);
}

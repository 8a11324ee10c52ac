package io.sluice.scheduler.internal;

import io.sluice.auth.ScopedClientFactory;
import io.sluice.auth.ScopedClients;
import io.sluice.security.TaskApiKey;
import io.sluice.security.TaskApiKeys;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run acts with: the scoped clients of its task API key (the caller frozen in the key, through the same
 * factory the HTTP routes use), and the key's revocation when its task ends, if a run may have stored it. Both
 * services are optional to the scheduler: without them runs have no clients, and the node still runs tasks that need
 * none.
 */
final class RunCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(RunCredentials.class);

    /** No key service and no clients: for nodes (and tests) whose tasks act on nobody's behalf. */
    static final RunCredentials NONE = new RunCredentials(() -> null, () -> null);

    private final Supplier<TaskApiKeys> keys;
    private final Supplier<ScopedClientFactory> clients;

    RunCredentials(Supplier<TaskApiKeys> keys, Supplier<ScopedClientFactory> clients) {
        this.keys = keys;
        this.clients = clients;
    }

    /**
     * The scoped clients of a run's key.
     *
     * @throws IllegalStateException if the task has no key, or this node has no key service or client factory
     * @throws io.sluice.security.AuthenticationException if the key is revoked, expired or cannot be opened
     */
    ScopedClients clients(TaskApiKey key, String taskId) {
        TaskApiKeys keyService = keys.get();
        ScopedClientFactory factory = clients.get();
        if (key == null || keyService == null || factory == null) {
            throw new IllegalStateException("task " + taskId + " has no API key (scheduled without a key service or "
                + "encryptionKey), so it cannot act on its user's behalf");
        }
        // Opened again before every request: a key revoked or expired during the run stops working at once.
        return factory.forCaller(keyService.open(key), () -> keyService.open(key));
    }

    /**
     * Whether a key was stored when it was minted (so it must be revoked even if no run opened it): keys of another
     * key service, or sealed before keys were stored on first use. True when no key service is bound to say.
     */
    boolean storedAtMint(TaskApiKey key) {
        TaskApiKeys keyService = keys.get();
        return key != null && (keyService == null || !keyService.storedOnFirstUse(key));
    }

    /** Revokes a key; a failure is logged, since the key expires anyway. */
    void revoke(TaskApiKey key, String taskId) {
        TaskApiKeys keyService = keys.get();
        if (key == null || keyService == null) {
            return;
        }
        try {
            keyService.revoke(key);
        } catch (RuntimeException e) {
            LOG.warn("Revoking the API key of task {} failed (it expires anyway)", taskId, e);
        }
    }
}

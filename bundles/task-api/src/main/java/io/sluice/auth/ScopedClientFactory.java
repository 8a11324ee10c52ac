package io.sluice.auth;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Makes {@link ScopedClients} for a caller. The REST routes and running tasks (through their task API key) use
 * the same factory, so a task can do exactly what its user could.
 */
@ProviderType
public interface ScopedClientFactory {

    /** Clients limited to the caller's privileges. */
    ScopedClients forCaller(Caller caller);

    /**
     * Clients limited to the caller's privileges, whose every request first runs {@code credentialsHold}: it throws
     * when the caller's credentials no longer hold (a task API key revoked or expired since it was opened), and the
     * request then fails with a 401 instead of being sent. A run's clients are made once; this keeps a revoked key
     * from acting for the rest of the run.
     *
     * @since 2.1
     */
    ScopedClients forCaller(Caller caller, Runnable credentialsHold);
}

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
}

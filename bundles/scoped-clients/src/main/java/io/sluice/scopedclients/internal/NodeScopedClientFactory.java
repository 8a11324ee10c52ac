package io.sluice.scopedclients.internal;

import io.sluice.security.AccessPolicy;
import io.sluice.auth.Caller;
import io.sluice.auth.ScopedClientFactory;
import io.sluice.auth.ScopedClients;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Scoped clients for callers of the REST routes and the console: the node's client, each request checked against the
 * caller's current grants before it leaves the node. (On a cluster with the security plugin, impersonation could be
 * added on top; the embedded node has none, so Sluice enforces the grants itself.)
 */
@Component(service = ScopedClientFactory.class)
public final class NodeScopedClientFactory implements ScopedClientFactory {

    private final OpenSearchClient client;
    private final AccessPolicy access;

    /** Binds the node's client and the access policy. */
    @Activate
    public NodeScopedClientFactory(@Reference OpenSearchClient client, @Reference AccessPolicy access) {
        this.client = client;
        this.access = access;
    }

    @Override
    public ScopedClients forCaller(Caller caller) {
        return forCaller(caller, () -> { });
    }

    @Override
    public ScopedClients forCaller(Caller caller, Runnable credentialsHold) {
        RequestGuard guard = new RequestGuard((privilege, index) -> access.allows(caller, privilege, index));
        return new NodeScopedClients(caller, new OpenSearchClient(
            new GuardedTransport(client._transport(), guard, "user " + caller.user(), credentialsHold)));
    }
}

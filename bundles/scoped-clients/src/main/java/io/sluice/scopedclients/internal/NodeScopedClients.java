package io.sluice.scopedclients.internal;

import io.sluice.auth.Caller;
import io.sluice.auth.ScopedClients;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Clients limited to one caller's privileges.
 *
 * @param caller who they act for
 * @param asCurrentUser the guarded client
 */
record NodeScopedClients(Caller caller, OpenSearchClient asCurrentUser) implements ScopedClients {
}

package io.sluice.auth;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.osgi.annotation.versioning.ProviderType;

/** OpenSearch clients limited to what one caller may do. */
@ProviderType
public interface ScopedClients {

    /** The caller these clients act for. */
    Caller caller();

    /**
     * A client that reads and writes only the stream indices the caller holds privileges on; any other request
     * fails with a 403 ({@code OpenSearchException}) before it leaves the node.
     */
    OpenSearchClient asCurrentUser();
}

package io.sluice.streams.internal;

import io.sluice.streams.StreamLookup;
import io.sluice.task.StoreUnavailableException;
import java.io.IOException;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Looks streams up with the node's own client (the caller's privileges are checked before). */
@Component(service = StreamLookup.class)
public final class OpenSearchStreamLookup implements StreamLookup {

    private final OpenSearchClient client;

    /** Binds the node's client. */
    @Activate
    public OpenSearchStreamLookup(@Reference OpenSearchClient client) {
        this.client = client;
    }

    @Override
    public boolean exists(String stream) {
        try {
            return client.indices().exists(e -> e.index(stream)).value();
        } catch (IOException | OpenSearchException e) {
            throw new StoreUnavailableException("cannot look up stream " + stream + ": " + e.getMessage(), e);
        }
    }
}

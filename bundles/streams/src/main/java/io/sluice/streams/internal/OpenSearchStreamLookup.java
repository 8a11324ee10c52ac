package io.sluice.streams.internal;

import io.sluice.auth.Caller;
import io.sluice.auth.ScopedClientFactory;
import io.sluice.streams.StreamLookup;
import io.sluice.task.StoreUnavailableException;
import java.io.IOException;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Looks streams up with the caller's scoped client, so a refusal and an absence read the same. */
@Component(service = StreamLookup.class)
public final class OpenSearchStreamLookup implements StreamLookup {

    private final ScopedClientFactory scopedClients;

    /** Binds the scoped-client factory. */
    @Activate
    public OpenSearchStreamLookup(@Reference ScopedClientFactory scopedClients) {
        this.scopedClients = scopedClients;
    }

    @Override
    public boolean readable(Caller caller, String stream) {
        try {
            return scopedClients.forCaller(caller).asCurrentUser().indices().exists(e -> e.index(stream)).value();
        } catch (OpenSearchException e) {
            if (e.status() == 403 || e.status() == 404) {
                return false;
            }
            throw new StoreUnavailableException("cannot look up stream " + stream + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot look up stream " + stream + ": " + e.getMessage(), e);
        }
    }
}

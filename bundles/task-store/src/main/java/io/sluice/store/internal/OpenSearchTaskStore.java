package io.sluice.store.internal;

import io.sluice.store.StoreHealth;
import io.sluice.store.TaskStore;
import java.util.Locale;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.cluster.HealthResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The task store on the node's OpenSearch client. */
@Component(service = TaskStore.class)
public final class OpenSearchTaskStore implements TaskStore {

    private final OpenSearchClient client;

    /** Binds the node's client. */
    @Activate
    public OpenSearchTaskStore(@Reference OpenSearchClient client) {
        this.client = client;
    }

    @Override
    public StoreHealth health() {
        try {
            HealthResponse health = client.cluster().health(h -> h.timeout(t -> t.time("5s")));
            return new StoreHealth(health.status().jsonValue().toLowerCase(Locale.ROOT), null);
        } catch (Exception e) {
            return new StoreHealth("unavailable", String.valueOf(e.getMessage()));
        }
    }
}

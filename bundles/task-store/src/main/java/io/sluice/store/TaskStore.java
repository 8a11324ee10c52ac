package io.sluice.store;

import org.osgi.annotation.versioning.ProviderType;

/** The task index. */
@ProviderType
public interface TaskStore {

    /** Whether OpenSearch answers, and how healthy the cluster is. Never throws. */
    StoreHealth health();
}

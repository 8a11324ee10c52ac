package io.sluice.streams;

import org.osgi.annotation.versioning.ProviderType;

/** Whether a stream exists. Callers check the user's privileges on the stream first: existence is not for everyone. */
@ProviderType
public interface StreamLookup {

    /** The task type that identifies a stream's features. */
    String FEATURE_IDENTIFICATION = "streams_feature_identification";

    /**
     * Whether an index, alias or data stream of that name exists.
     *
     * @throws io.sluice.task.StoreUnavailableException if OpenSearch cannot be asked
     */
    boolean exists(String stream);
}

package io.sluice.streams;

import io.sluice.auth.Caller;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds streams on behalf of a caller. A stream the caller may not read is, to that caller, a stream that does not
 * exist: existence is not for everyone.
 */
@ProviderType
public interface StreamLookup {

    /**
     * Whether an index, alias or data stream of that name exists and the caller may read it. Asked through the
     * caller's scoped client, the same path a task run for that caller takes.
     *
     * @throws io.sluice.task.StoreUnavailableException if OpenSearch cannot be asked
     */
    boolean readable(Caller caller, String stream);
}

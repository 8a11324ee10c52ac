package io.sluice.task.spi;

import io.sluice.auth.ScopedClients;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;

/**
 * What a running task sees: its params, its identity, its cancellation signal and the clients
 * of the user who scheduled it.
 *
 * @param <P> the params type of the task's {@link TaskDefinition}
 */
@ProviderType
public interface TaskContext<P> {

    /** The task id (for stream tasks {@code <type>_<stream>}). */
    String taskId();

    /** The task type. */
    String type();

    /** The params, bound to {@link TaskDefinition#paramsType()}. */
    P params();

    /** The stream the task works on, if any. */
    Optional<String> stream();

    /** The space (tenant) the task belongs to. */
    String space();

    /** The user who scheduled the task. */
    String owner();

    /** This attempt's number, starting at 1. */
    int attempt();

    /** Fires on cancel, timeout, loss of the claim, or the type's bundle stopping. */
    CancellationSignal cancellation();

    /**
     * Clients bound to the scheduling user's task API key: the task can read exactly what that user
     * could when they scheduled it, nothing more.
     */
    ScopedClients scopedClients();

    /**
     * Records progress (any value that serialises to a JSON object) in the task document. Calls are
     * cheap: the latest value is written with the next heartbeat, not on every call.
     */
    void progress(Object progress);

    /** A logger whose lines carry the task id (MDC key {@code sluice.task.id}). */
    Logger logger();
}

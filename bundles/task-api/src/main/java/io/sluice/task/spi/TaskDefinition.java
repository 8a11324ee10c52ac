package io.sluice.task.spi;

import io.sluice.task.InvalidParamsException;
import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A task type, contributed by a plugin as an OSGi service.
 *
 * <p>The scheduler tracks every registered {@code TaskDefinition}: the type becomes schedulable when
 * the service appears and unknown again when it goes. When two services claim the same {@link #type()},
 * the first one registered wins and the second is ignored (and logged) until the first goes away.
 *
 * <p>{@link #run(TaskContext)} may be called on any node that has the type installed, possibly more than
 * once for one task (a retry, or a rerun after a node died), so it should be safe to repeat.
 *
 * @param <P> the parameters, bound from JSON with Jackson (a record is a good fit)
 * @param <R> the result, stored as the task's payload; it must serialise to a JSON object
 */
@ConsumerType
public interface TaskDefinition<P, R> {

    /** The type id, for example {@code streams_feature_identification}. Lower case, digits and {@code _ - .}. */
    String type();

    /** The class that a task's JSON params are bound to; unknown fields are rejected. */
    Class<P> paramsType();

    /** A one-line description shown by {@code task:types} and {@code GET /api/task_types}. */
    default String description() {
        return "";
    }

    /** How long one attempt may run before it is cancelled and counted as a failed attempt. */
    default Duration timeout() {
        return Duration.ofMinutes(5);
    }

    /** How many attempts a task gets when it throws an unexpected exception; at least 1. */
    default int maxAttempts() {
        return 3;
    }

    /** The most runs of this type one node starts at a time; {@code 0} means only the node's capacity limits it. */
    default int maxConcurrentRuns() {
        return 0;
    }

    /**
     * Checks params beyond their binding (ranges, combinations), before anything is written.
     *
     * @throws InvalidParamsException naming the offending field
     */
    default void validate(P params) {
    }

    /**
     * Runs one attempt.
     *
     * <p>Observe {@link TaskContext#cancellation()}: a cancel, a timeout or the type's bundle stopping all fire it,
     * and the worker thread is interrupted too.
     *
     * @return the payload, which becomes visible when the task is {@code completed}
     * @throws TaskFailure for an expected error: the task fails at once, with no retry
     * @throws Exception anything else is retried with backoff until {@link #maxAttempts()} is reached
     */
    R run(TaskContext<P> context) throws Exception;
}

package io.sluice.scheduler.internal;

import io.sluice.scheduler.internal.TaskLifecycle.Result;
import io.sluice.scheduler.internal.TaskTransitions.Claim;
import io.sluice.scheduler.internal.TaskTransitions.Complete;
import io.sluice.scheduler.internal.TaskTransitions.Fail;
import io.sluice.scheduler.internal.TaskTransitions.Heartbeat;
import io.sluice.scheduler.internal.TaskTransitions.Reap;
import io.sluice.scheduler.internal.TaskTransitions.Release;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.store.StoredTask;
import io.sluice.task.AttemptRecord.Outcome;
import io.sluice.task.TaskError;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The run side of the status machine: what the node running a task writes. Every call names the run ({@link RunId})
 * and succeeds only while that run still holds the task; otherwise the result is {@link TaskLifecycle.Kind#LOST} and
 * nothing is written.
 */
final class TaskRuns {

    private final TaskLifecycle lifecycle;
    private final PluginJson json;
    private volatile long maxPayloadBytes;

    TaskRuns(TaskLifecycle lifecycle, PluginJson json, long maxPayloadBytes) {
        this.lifecycle = lifecycle;
        this.json = json;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** A new payload limit applies to runs that end from now on. */
    void maxPayloadBytes(long bytes) {
        this.maxPayloadBytes = bytes;
    }

    Result claim(String space, String id, String node) {
        return claim(space, id, node, null);
    }

    /** A claim decided first on {@code found} (as a search saw the task; {@code null} to read). */
    Result claim(String space, String id, String node, StoredTask found) {
        return lifecycle.apply(space, id, new Claim(node), found);
    }

    Result heartbeat(String space, String id, RunId run, Object progress) {
        return heartbeat(space, id, run, progress, null);
    }

    /** A heartbeat decided on the version the run last wrote ({@code known}, or {@code null} to read). */
    Result heartbeat(String space, String id, RunId run, Object progress, StoredTask known) {
        Map<String, Object> asJson = progress == null ? null : json.toObject(progress, "progress");
        return lifecycle.apply(space, id, new Heartbeat(run, asJson), known);
    }

    /**
     * Stores the run's payload. A payload that is not a JSON object, or larger than the limit, fails the task with a
     * clear error instead of a store error.
     */
    Result complete(String space, String id, RunId run, Object payload) {
        return complete(space, id, run, payload, null);
    }

    /** {@link #complete(String, String, RunId, Object)} decided on the version the run last wrote. */
    Result complete(String space, String id, RunId run, Object payload, StoredTask known) {
        Map<String, Object> asJson;
        try {
            asJson = json.toObject(payload, "the task's result");
        } catch (IllegalArgumentException e) {
            return fail(space, id, run, new TaskError("invalid_payload", e.getMessage()), Outcome.FAILED, false, 1, null, known);
        }
        long size = json.size(asJson);
        if (size > maxPayloadBytes) {
            return fail(space, id, run, new TaskError("payload_too_large", String.format(Locale.ROOT,
                "the task's result is %,d bytes as JSON; the limit is %,d (maxPayloadBytes)", size, maxPayloadBytes)),
                Outcome.FAILED, false, 1, null, known);
        }
        return lifecycle.apply(space, id, new Complete(run, asJson), known);
    }

    Result fail(String space, String id, RunId run, TaskError error, Outcome outcome, boolean retryable, int maxAttempts,
                Instant retryAt) {
        return fail(space, id, run, error, outcome, retryable, maxAttempts, retryAt, null);
    }

    Result fail(String space, String id, RunId run, TaskError error, Outcome outcome, boolean retryable, int maxAttempts,
                Instant retryAt, StoredTask known) {
        return lifecycle.apply(space, id, new Fail(run, error, outcome, retryable, maxAttempts, retryAt), known);
    }

    Result release(String space, String id, RunId run) {
        return release(space, id, run, null);
    }

    Result release(String space, String id, RunId run, StoredTask known) {
        return lifecycle.apply(space, id, new Release(run), known);
    }

    Result reap(String space, String id, int maxAttempts) {
        return reap(space, id, maxAttempts, null);
    }

    /** A reap that also takes over from {@code lapsedNode}, whose lease lapsed. */
    Result reap(String space, String id, int maxAttempts, String lapsedNode) {
        return lifecycle.apply(space, id, new Reap(maxAttempts, lapsedNode));
    }
}

package io.sluice.scheduler.internal;

/**
 * What the client tells this node's runner, so that a schedule starts at once and a cancel reaches its run at once,
 * instead of at the next poll or heartbeat. An internal service of this bundle.
 */
public interface LocalRuns {

    /** A new run of the task was stored, queued. */
    void scheduled(String space, String id, String type);

    /** A cancel of the task was stored. */
    void canceled(String space, String id);
}

package io.sluice.scheduler.internal;

import io.sluice.store.StoredTask;
import java.util.Optional;

/**
 * What the client tells this node's runner, so that a schedule starts at once and a cancel reaches its run at once,
 * instead of at the next poll or heartbeat. An internal service of this bundle.
 */
public interface LocalRuns {

    /**
     * Reserves a slot to run a new task of {@code type} at once, if this node has the type and a free slot. The task
     * is then stored already claimed by {@link Slot#node()}, and handed over with {@link Slot#start}.
     */
    Optional<Slot> reserve(String type);

    /**
     * A new task of a type this node has was stored unclaimed, because no slot was free when it was scheduled: this
     * node claims it as soon as a slot frees, without waiting for a search to find it (a search sees it only after
     * OpenSearch's next refresh).
     */
    void queued(StoredTask task);

    /** A cancel of the task was stored. */
    void canceled(String space, String id);

    /** A reserved slot: exactly one of {@link #start} or {@link #release} must be called. */
    interface Slot {
        /** The node that will run the task. */
        String node();

        /** Runs the task, stored claimed by this node. */
        void start(StoredTask claimed);

        /** Gives the slot back: the schedule did not start a run. */
        void release();
    }
}

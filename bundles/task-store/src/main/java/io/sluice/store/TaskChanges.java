package io.sluice.store;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The task documents this node has seen change recently, kept in memory: every write this node makes at once, and
 * other nodes' writes through a cheap query every interval (by sequence number, so clocks do not matter).
 *
 * <p>Status reads use it to answer without an OpenSearch round trip, and long polls to wait without polling. What
 * {@link #recent} returns may lag a write made by another node by up to about the feed interval plus OpenSearch's
 * refresh interval (a second each by default), and a deletion made by another node by up to the cache's maximum age;
 * writes made by this node are seen at once. Decisions that must be exact (every transition) read
 * {@link TaskStore#get} instead, which is real time.
 */
@ProviderType
public interface TaskChanges {

    /** What the node knows of one task: the stored task, or empty when it is known not to exist. */
    record Known(Optional<StoredTask> task) {
    }

    /** The task as this node knows it, or empty when the node does not know it well enough to answer from memory. */
    Optional<Known> recent(String space, String id);

    /**
     * Calls {@code onChange} whenever this node sees the task change, until the returned registration is closed. The
     * call comes on the thread that saw the change (a writer, or the feed's sweep): hand real work to another thread.
     */
    Registration watch(String space, String id, Runnable onChange);

    /**
     * Calls {@code onChange} whenever this node sees any task of the space change (or learns that what it knew no longer
     * holds), until the registration is closed: for listings that wait for a change. Same thread rules as
     * {@link #watch}.
     */
    Registration watchSpace(String space, Runnable onChange);

    /** A watch, ended by {@link #close()}. */
    interface Registration extends AutoCloseable {
        /** Ends the watch; closing twice is harmless. */
        @Override
        void close();
    }
}

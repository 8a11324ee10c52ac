package io.sluice.store;

import java.time.Instant;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The task index: one document per task, read in real time, written only conditionally.
 *
 * <p>Every write names the version it replaces ({@code if_seq_no}/{@code if_primary_term}) or is a create
 * ({@code op_type=create}): a write based on a stale read fails with {@link StoreConflictException} and changes
 * nothing, so the caller reads again and decides again. Failures to reach OpenSearch are
 * {@link io.sluice.task.StoreUnavailableException}; no client exception leaks out.
 *
 * <p>Tasks are addressed by space and id: the same id in two spaces is two tasks (the document {@code _id} is
 * {@code <space>:<id>}).
 *
 * <p>The index is created (with its mapping) when the store starts, and again if it disappears: the next write
 * recreates it and logs that it did.
 */
@ProviderType
public interface TaskStore {

    /** The name tasks are addressed by (an alias), for example {@code .sluice-tasks}. */
    String index();

    /** The task, read in real time (no refresh needed), or empty if there is none. */
    Optional<StoredTask> get(String space, String id);

    /**
     * Stores a new task.
     *
     * @throws StoreConflictException if a task with that id exists
     */
    StoredTask create(TaskRecord record);

    /**
     * Replaces a task, provided it is still at {@code expected}.
     *
     * @throws StoreConflictException if the task changed or was deleted since it was read
     */
    StoredTask replace(TaskRecord record, DocVersion expected);

    /**
     * Deletes a task, provided it is still at {@code expected}.
     *
     * @return false if there was no such task
     * @throws StoreConflictException if the task changed since it was read
     */
    boolean delete(String space, String id, DocVersion expected);

    /** The tasks matching the query, newest {@code created_at} first. Sees writes within about a second. */
    TaskSearchResult search(TaskQuery query, int from, int size);

    /**
     * The next page of an oldest-first query ({@link TaskQuery#inCreationOrder()}): tasks that sort after {@code after}
     * by {@code created_at}, then id, or the first page when {@code after} is null. A node walking a backlog uses it to
     * move past tasks it has just claimed, which a search sees only about a second later. The total of the result
     * counts only the page, which spares OpenSearch counting every match (the cost of a poll over a large backlog).
     *
     * @throws IllegalArgumentException if the query is not oldest-first
     * @since 1.2; {@code after} may be null since 1.3
     */
    TaskSearchResult searchAfter(TaskQuery query, StoredTask after, int size);

    /**
     * Renews {@code node}'s lease: one small document per node, written at every renewal.
     *
     * @since 1.2
     */
    void renewLease(String node, Instant now);

    /**
     * Removes {@code node}'s lease, when it stops: other nodes then treat it as gone at once rather than after the
     * lapse time.
     *
     * @since 1.2
     */
    void dropLease(String node);

    /**
     * Every node's lease, as last renewed. Sees renewals within about a second.
     *
     * @since 1.2
     */
    java.util.List<NodeLease> leases();

    /** How many tasks match, by type. Sees writes within about a second. */
    java.util.Map<String, Long> countByType(TaskQuery query);

    /** How many tasks match. Sees writes within about a second. */
    long count(TaskQuery query);

    /** The nodes that wrote a heartbeat after {@code since}, as seen in task documents. */
    java.util.Set<String> nodesBeatingSince(java.time.Instant since);

    /**
     * Deletes the tasks matching the query, whatever their version (for cleanup of finished tasks only). Safe to run
     * on several nodes at once.
     *
     * @return how many were deleted
     */
    long deleteAll(TaskQuery query);

    /** Whether OpenSearch answers, and how healthy the cluster is. Never throws. */
    StoreHealth health();
}

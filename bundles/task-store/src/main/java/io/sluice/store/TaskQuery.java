package io.sluice.store;

import io.sluice.task.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Which tasks a search returns; {@code null} fields match everything.
 *
 * @param types only these types
 * @param statuses only these stored statuses
 * @param stream only this stream
 * @param space only this space
 * @param owner only tasks scheduled by this user
 * @param streamPatterns only tasks whose stream matches one of these patterns ({@code *} matches any run of
 *     characters); an empty list matches nothing, and tasks without a stream match only {@code *}
 * @param claimed only tasks a node holds ({@code true}) or that no node holds ({@code false})
 * @param dueBy only tasks without a retry backoff, or whose backoff ends by then
 * @param heartbeatBefore only tasks whose last heartbeat is older than this
 * @param updatedBefore only tasks last written before this
 * @param oldestFirst order by {@code created_at} ascending instead of newest first
 */
public record TaskQuery(Set<String> types, Set<TaskStatus> statuses, String stream, String space, String owner,
                        List<String> streamPatterns, Boolean claimed, Instant dueBy, Instant heartbeatBefore,
                        Instant updatedBefore, boolean oldestFirst) {

    /** Copies the collections. */
    public TaskQuery {
        types = types == null ? null : Set.copyOf(types);
        statuses = statuses == null ? null : Set.copyOf(statuses);
        streamPatterns = streamPatterns == null ? null : List.copyOf(streamPatterns);
    }

    /** Matches every task. */
    public static TaskQuery all() {
        return new TaskQuery(null, null, null, null, null, null, null, null, null, null, false);
    }

    /** A copy limited to one type. */
    public TaskQuery withType(String value) {
        return withTypes(value == null ? null : Set.of(value));
    }

    /** A copy limited to these types. */
    public TaskQuery withTypes(Set<String> value) {
        return new TaskQuery(value, statuses, stream, space, owner, streamPatterns, claimed, dueBy, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to these statuses. */
    public TaskQuery withStatuses(Set<TaskStatus> value) {
        return new TaskQuery(types, value, stream, space, owner, streamPatterns, claimed, dueBy, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to one stream. */
    public TaskQuery withStream(String value) {
        return new TaskQuery(types, statuses, value, space, owner, streamPatterns, claimed, dueBy, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to one space. */
    public TaskQuery withSpace(String value) {
        return new TaskQuery(types, statuses, stream, value, owner, streamPatterns, claimed, dueBy, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to one owner. */
    public TaskQuery withOwner(String value) {
        return new TaskQuery(types, statuses, stream, space, value, streamPatterns, claimed, dueBy, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to streams matching these patterns. */
    public TaskQuery withStreamPatterns(List<String> value) {
        return new TaskQuery(types, statuses, stream, space, owner, value, claimed, dueBy, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to claimed (true) or unclaimed (false) tasks. */
    public TaskQuery withClaimed(Boolean value) {
        return new TaskQuery(types, statuses, stream, space, owner, streamPatterns, value, dueBy, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to tasks due by then. */
    public TaskQuery withDueBy(Instant value) {
        return new TaskQuery(types, statuses, stream, space, owner, streamPatterns, claimed, value, heartbeatBefore, updatedBefore, oldestFirst);
    }

    /** A copy limited to tasks whose last heartbeat is older. */
    public TaskQuery withHeartbeatBefore(Instant value) {
        return new TaskQuery(types, statuses, stream, space, owner, streamPatterns, claimed, dueBy, value, updatedBefore, oldestFirst);
    }

    /** A copy limited to tasks last written before then. */
    public TaskQuery withUpdatedBefore(Instant value) {
        return new TaskQuery(types, statuses, stream, space, owner, streamPatterns, claimed, dueBy, heartbeatBefore, value, oldestFirst);
    }

    /** A copy ordered oldest first. */
    public TaskQuery inCreationOrder() {
        return new TaskQuery(types, statuses, stream, space, owner, streamPatterns, claimed, dueBy, heartbeatBefore, updatedBefore, true);
    }
}

package io.sluice.store;

import io.sluice.task.TaskStatus;
import java.util.List;
import java.util.Set;

/**
 * Which tasks a search returns; {@code null} fields match everything.
 *
 * @param type only this type
 * @param statuses only these stored statuses
 * @param stream only this stream
 * @param space only this space
 * @param owner only tasks scheduled by this user
 * @param streamPatterns only tasks whose stream matches one of these patterns ({@code *} matches any run of
 *     characters); an empty list matches nothing, and tasks without a stream match only {@code *}
 */
public record TaskQuery(String type, Set<TaskStatus> statuses, String stream, String space, String owner,
                        List<String> streamPatterns) {

    /** Copies the collections. */
    public TaskQuery {
        statuses = statuses == null ? null : Set.copyOf(statuses);
        streamPatterns = streamPatterns == null ? null : List.copyOf(streamPatterns);
    }

    /** Matches every task. */
    public static TaskQuery all() {
        return new TaskQuery(null, null, null, null, null, null);
    }

    /** A copy limited to one type. */
    public TaskQuery withType(String value) {
        return new TaskQuery(value, statuses, stream, space, owner, streamPatterns);
    }

    /** A copy limited to these statuses. */
    public TaskQuery withStatuses(Set<TaskStatus> value) {
        return new TaskQuery(type, value, stream, space, owner, streamPatterns);
    }

    /** A copy limited to one stream. */
    public TaskQuery withStream(String value) {
        return new TaskQuery(type, statuses, value, space, owner, streamPatterns);
    }

    /** A copy limited to one space. */
    public TaskQuery withSpace(String value) {
        return new TaskQuery(type, statuses, stream, value, owner, streamPatterns);
    }

    /** A copy limited to one owner. */
    public TaskQuery withOwner(String value) {
        return new TaskQuery(type, statuses, stream, space, value, streamPatterns);
    }

    /** A copy limited to streams matching these patterns. */
    public TaskQuery withStreamPatterns(List<String> value) {
        return new TaskQuery(type, statuses, stream, space, owner, value);
    }
}

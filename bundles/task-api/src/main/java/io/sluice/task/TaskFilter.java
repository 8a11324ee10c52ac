package io.sluice.task;

/**
 * Which tasks {@link TaskClient#list} returns; {@code null} fields match everything. The space is
 * always the caller's own.
 *
 * @param type only this task type
 * @param status only this stored status
 * @param stream only this stream
 * @param owner only tasks scheduled by this user
 */
public record TaskFilter(String type, TaskStatus status, String stream, String owner) {

    /** Matches every task the caller may see. */
    public static TaskFilter all() {
        return new TaskFilter(null, null, null, null);
    }

    /** A copy with the type set. */
    public TaskFilter withType(String value) {
        return new TaskFilter(value, status, stream, owner);
    }

    /** A copy with the status set. */
    public TaskFilter withStatus(TaskStatus value) {
        return new TaskFilter(type, value, stream, owner);
    }

    /** A copy with the stream set. */
    public TaskFilter withStream(String value) {
        return new TaskFilter(type, status, value, owner);
    }

    /** A copy with the owner set. */
    public TaskFilter withOwner(String value) {
        return new TaskFilter(type, status, stream, value);
    }
}

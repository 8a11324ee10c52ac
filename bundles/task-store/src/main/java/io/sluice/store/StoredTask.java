package io.sluice.store;

import io.sluice.task.TaskDocument;

/**
 * A task as read from (or just written to) the store, with the version a conditional write must name.
 *
 * @param record what is stored
 * @param version its version
 */
public record StoredTask(TaskRecord record, DocVersion version) {

    /** The task id. */
    public String id() {
        return record.id();
    }

    /** The task document. */
    public TaskDocument document() {
        return record.document();
    }
}

package io.sluice.task;

import java.util.Objects;

/**
 * What a {@link TaskClient#schedule} call did.
 *
 * @param task the task document after the call
 * @param started {@code true} if the call started a new run; {@code false} if a healthy run was already in progress and
 *     the call returned it unchanged (SPEC section 3: scheduling a running task is a no-op)
 */
public record ScheduleResult(TaskDocument task, boolean started) {

    /** The document is required. */
    public ScheduleResult {
        Objects.requireNonNull(task, "task");
    }
}

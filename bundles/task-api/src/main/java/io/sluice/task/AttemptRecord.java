package io.sluice.task;

import java.time.Instant;

/**
 * One attempt of a task, as kept in the document's attempt log (the latest ten).
 *
 * @param attempt the attempt number, from 1
 * @param node the node that ran it
 * @param startedAt when it was claimed
 * @param endedAt when it ended, or {@code null} while running
 * @param outcome how it ended, or {@code null} while running
 * @param error the error of a failed attempt, or {@code null}
 */
public record AttemptRecord(int attempt, String node, Instant startedAt, Instant endedAt, Outcome outcome, TaskError error) {

    /** How an attempt ended. */
    public enum Outcome {
        /** It returned a payload. */
        COMPLETED,
        /** It threw a {@link io.sluice.task.spi.TaskFailure}, or its last retry failed. */
        FAILED,
        /** It threw an unexpected exception and will be retried. */
        RETRYING,
        /** It ran past its timeout. */
        TIMED_OUT,
        /** It stopped after a cancel. */
        CANCELED,
        /** Its type went away or its node stopped; the task is queued again. */
        RELEASED,
        /** Its node stopped beating; the reaper took the task back. */
        NODE_LOST
    }
}

package io.sluice.task;

import java.time.Instant;

/**
 * A run going on on this node.
 *
 * @param taskId the task id
 * @param type the task type
 * @param attempt the attempt number
 * @param startedAt when this node claimed it
 * @param cancelling whether its cancellation signal has fired
 */
public record RunningTask(String taskId, String type, int attempt, Instant startedAt, boolean cancelling) {
}

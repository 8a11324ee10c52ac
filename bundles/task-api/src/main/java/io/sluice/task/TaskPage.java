package io.sluice.task;

import java.util.List;

/**
 * One page of tasks, as read views ({@code stale} computed).
 *
 * @param tasks the tasks on this page
 * @param total how many tasks match in all
 * @param from the offset of this page
 * @param size the requested page size
 */
public record TaskPage(List<TaskStatusView> tasks, long total, int from, int size) {
    /** Copies the list. */
    public TaskPage {
        tasks = List.copyOf(tasks);
    }
}

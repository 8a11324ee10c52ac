package io.sluice.store;

import java.util.List;

/**
 * One page of a search.
 *
 * @param tasks the tasks on this page, with their versions
 * @param total how many tasks match in all
 */
public record TaskSearchResult(List<StoredTask> tasks, long total) {
    /** Copies the list. */
    public TaskSearchResult {
        tasks = List.copyOf(tasks);
    }
}

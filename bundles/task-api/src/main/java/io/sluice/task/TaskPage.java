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

    /**
     * An entity tag for the page: it changes exactly when what a reader of the page sees changes (a task on it changed,
     * turned stale, or the page holds other tasks or another total).
     */
    public String etag() {
        StringBuilder all = new StringBuilder().append(total).append('/').append(from).append('/').append(size);
        for (TaskStatusView task : tasks) {
            all.append('|').append(task.id()).append('=').append(task.etag());
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "\"" + java.util.HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

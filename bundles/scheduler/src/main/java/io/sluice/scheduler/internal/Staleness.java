package io.sluice.scheduler.internal;

import io.sluice.store.TaskRecord;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When nobody is working on a task although its status says someone should be.
 *
 * <p>A claimed task is stale when its node has sent no heartbeat for more than {@code staleAfter}: a long run that
 * keeps beating never is (Kibana measures from schedule time instead, so its long tasks turn stale). An unclaimed task
 * is stale when no node has claimed it for more than {@code staleAfter} since it was queued (scheduled, released, or
 * due again after a retry backoff), for example because no installed bundle provides its type.
 */
final class Staleness {

    private volatile Duration staleAfter;

    Staleness(Duration staleAfter) {
        this.staleAfter = staleAfter;
    }

    /** A changed setting applies to the next decision. */
    void staleAfter(Duration value) {
        this.staleAfter = value;
    }

    Duration staleAfter() {
        return staleAfter;
    }

    boolean isStale(TaskRecord record, Instant now) {
        return reason(record, now).isPresent();
    }

    /** Why the task is stale, for the status view; empty if it is not. */
    Optional<String> reason(TaskRecord record, Instant now) {
        TaskDocument task = record.document();
        if (task.status() != TaskStatus.IN_PROGRESS && task.status() != TaskStatus.BEING_CANCELED) {
            return Optional.empty();
        }
        // The reason names instants, never the time elapsed: reading a stale task twice gives the same answer (and
        // the same ETag), so a poller waiting for a change is not woken by the clock alone.
        Duration limit = staleAfter;
        if (task.node() != null) {
            Instant lastBeat = task.heartbeatAt() != null ? task.heartbeatAt() : task.updatedAt();
            return Duration.between(lastBeat, now).compareTo(limit) > 0
                ? Optional.of("node " + task.node() + " has sent no heartbeat since " + lastBeat + " (stale after "
                    + seconds(limit) + ")")
                : Optional.empty();
        }
        Instant queued = task.updatedAt();
        if (record.runAfter() != null && record.runAfter().isAfter(queued)) {
            queued = record.runAfter();
        }
        if (Duration.between(queued, now).compareTo(limit) <= 0) {
            return Optional.empty();
        }
        return Optional.of(task.status() == TaskStatus.BEING_CANCELED
            ? "no node has finished its cancellation since " + queued + " (stale after " + seconds(limit) + ")"
            : "no node has claimed it since " + queued + " (stale after " + seconds(limit)
                + "): is a bundle providing task type '" + task.type() + "' installed and running, and does a node have a free slot?");
    }

    /** When a task that is not stale now turns stale if nothing is written, or empty if it never does by itself. */
    Optional<Instant> staleAt(TaskRecord record) {
        TaskDocument task = record.document();
        if (task.status() != TaskStatus.IN_PROGRESS && task.status() != TaskStatus.BEING_CANCELED) {
            return Optional.empty();
        }
        Instant from;
        if (task.node() != null) {
            from = task.heartbeatAt() != null ? task.heartbeatAt() : task.updatedAt();
        } else {
            from = task.updatedAt();
            if (record.runAfter() != null && record.runAfter().isAfter(from)) {
                from = record.runAfter();
            }
        }
        return Optional.of(from.plus(staleAfter).plusMillis(1));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}

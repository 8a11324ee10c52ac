package io.sluice.scheduler.internal;

import io.sluice.security.TaskApiKey;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskRecord;
import io.sluice.task.AttemptRecord;
import io.sluice.task.AttemptRecord.Outcome;
import io.sluice.task.CancellationInProgressException;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskError;
import io.sluice.task.TaskException;
import io.sluice.task.TaskNotCompletedException;
import io.sluice.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The status machine of SPEC section 3, in one place: what an action does to a task, given the task as last read.
 * It only decides; {@link TaskLifecycle} reads, calls {@link #decide} and writes conditionally, deciding again on a
 * conflict. Nothing here does I/O or reads a clock, so every cell below is tested as is and against a real store.
 *
 * <p>"Stale" is {@link Staleness}: an {@code in_progress} or {@code being_canceled} task whose node stopped beating
 * (or that no node claimed) for {@code staleAfter}. "Own run": the run named in the action still holds the task
 * (same node, attempt and {@code created_at}); anything else is someone else's run, or none.
 *
 * <pre>
 * action       | absent      | in_progress           | being_canceled              | completed    | failed, canceled, acknowledged
 * -------------+-------------+-----------------------+-----------------------------+--------------+-------------------------------
 * schedule     | new run     | healthy: no change    | healthy: refuse (409)       | new run      | new run
 *              |             | stale: new run        | stale: canceled + new run   |              |
 *              |             |                       |                             |              |
 *   (a new run is queued, or created already claimed when the scheduling node reserved a slot for it)
 * cancel       | not_started | being_canceled        | no change                   | no change    | no change
 * acknowledge  | refuse (409)| refuse (409)          | refuse (409)                | acknowledged | refuse (409)
 * claim        | lost        | unclaimed + due: own  | lost                        | lost         | lost
 *              |             | otherwise: lost       |                             |              |
 * heartbeat    | lost        | own: beat             | own: beat (run sees cancel) | lost         | lost
 * complete     | lost        | own: completed        | own: canceled, result       | lost         | lost
 *              |             |                       | dropped                     |              |
 * fail         | lost        | own: retry (queued    | own: canceled               | lost         | lost
 *              |             | with backoff) or      |                             |              |
 *              |             | failed (no retries    |                             |              |
 *              |             | left / not retryable) |                             |              |
 * release      | lost        | own: queued again     | own: canceled               | lost         | lost
 * reap         | no change   | stale + claimed:      | stale or unclaimed:         | no change    | no change
 *              |             | queued again, or      | canceled                    |              |
 *              |             | failed (node_lost)    |                             |              |
 *              |             | otherwise: no change  | otherwise: no change        |              |
 * </pre>
 *
 * <p>"lost": the action belongs to a run that no longer holds the task (it was cancelled and finished, rescheduled,
 * claimed elsewhere, or deleted): nothing is written and the run stops. Releases and reaps do not use up attempts:
 * only failed attempts count against {@code maxAttempts}.
 */
final class TaskTransitions {

    /** Attempts kept in a document's log. */
    static final int ATTEMPT_LOG_SIZE = 10;

    private final Staleness staleness;

    TaskTransitions(Staleness staleness) {
        this.staleness = staleness;
    }

    /** The run that holds a task: the claim's node and attempt within one schedule. */
    record RunId(String node, int attempt, Instant createdAt) {
        RunId {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        static RunId of(TaskDocument claimed) {
            return new RunId(claimed.node(), claimed.attempt(), claimed.createdAt());
        }

        boolean holds(TaskDocument task) {
            return node.equals(task.node()) && attempt == task.attempt() && createdAt.equals(task.createdAt());
        }
    }

    /** What is asked of a task. */
    sealed interface Action {
    }

    /**
     * A user schedules a run. {@code params} are already bound and checked. {@code claimFor} names the node that
     * reserved a slot to run it at once (the run is then created claimed, saving a write), or is {@code null}.
     * {@code apiKey} is the task API key minted for the new run, or {@code null}.
     */
    record Schedule(String type, String stream, String space, String owner, Map<String, Object> params, String claimFor,
                    TaskApiKey apiKey) implements Action {
    }

    /** A user cancels. */
    record Cancel() implements Action {
    }

    /** A user acknowledges the result. */
    record Acknowledge() implements Action {
    }

    /** A node takes a queued task. */
    record Claim(String node) implements Action {
    }

    /** A run shows it is alive, with its latest progress (or {@code null}). */
    record Heartbeat(RunId run, Map<String, Object> progress) implements Action {
    }

    /** A run returned its payload. */
    record Complete(RunId run, Map<String, Object> payload) implements Action {
    }

    /**
     * A run failed. {@code retryAt} is when to try again if the task may be retried: it is retried if it is
     * {@code retryable} and fewer than {@code maxAttempts} attempts failed so far.
     */
    record Fail(RunId run, TaskError error, Outcome outcome, boolean retryable, int maxAttempts, Instant retryAt)
        implements Action {
    }

    /** A run stopped without an outcome (cancel seen, type gone, node stopping): queue the task again or cancel it. */
    record Release(RunId run) implements Action {
    }

    /**
     * Any node finishing the work of a dead one: a node gone silent for {@code staleAfter}, or {@code lapsedNode}, a
     * node whose lease lapsed (null when the reaper judges by staleness alone).
     */
    record Reap(int maxAttempts, String lapsedNode) implements Action {
        Reap(int maxAttempts) {
            this(maxAttempts, null);
        }
    }

    /** What to do. */
    sealed interface Decision {
    }

    /** Write {@code next}: a create if there is no document, else a replace of the version read. */
    record Write(TaskRecord next) implements Decision {
    }

    /** Write nothing; the answer is {@code current} (a {@code not_started} document when absent). */
    record Keep(TaskDocument current) implements Decision {
    }

    /** Write nothing and report this error to the caller. */
    record Refuse(TaskException error) implements Decision {
    }

    /** Write nothing: the acting run no longer holds the task, and must stop. */
    record Lost(String why) implements Decision {
    }

    /** Decides what {@code action} does to the task {@code id} as read ({@code current}), at {@code now}. */
    Decision decide(String id, Optional<StoredTask> current, Action action, Instant now) {
        Optional<TaskRecord> record = current.map(StoredTask::record);
        // Java 17: no pattern matching in switch yet.
        if (action instanceof Schedule s) {
            return schedule(id, record, s, now);
        } else if (action instanceof Cancel) {
            return cancel(id, record, now);
        } else if (action instanceof Acknowledge) {
            return acknowledge(id, record, now);
        } else if (action instanceof Claim c) {
            return claim(record, c, now);
        } else if (action instanceof Heartbeat h) {
            return heartbeat(record, h, now);
        } else if (action instanceof Complete c) {
            return complete(record, c, now);
        } else if (action instanceof Fail f) {
            return fail(record, f, now);
        } else if (action instanceof Release r) {
            return release(record, r, now);
        } else if (action instanceof Reap r) {
            return reap(id, record, r, now);
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    private Decision schedule(String id, Optional<TaskRecord> current, Schedule s, Instant now) {
        if (current.isEmpty()) {
            return new Write(new TaskRecord(newRun(id, s, null, now, false), null, s.apiKey()));
        }
        TaskRecord record = current.get();
        TaskDocument task = record.document();
        boolean stale = staleness.isStale(record, now);
        return switch (task.status()) {
            case IN_PROGRESS -> stale ? new Write(new TaskRecord(newRun(id, s, task, now, false), null, s.apiKey())) : new Keep(task);
            case BEING_CANCELED -> stale
                ? new Write(new TaskRecord(newRun(id, s, task, now, true), null, s.apiKey()))
                : new Refuse(new CancellationInProgressException("task " + id + " is being canceled; schedule it again "
                    + "once that is done (a cancellation nobody finishes is given up after "
                    + staleness.staleAfter().toSeconds() + " s without a sign of life)"));
            case NOT_STARTED, COMPLETED, FAILED, CANCELED, ACKNOWLEDGED ->
                new Write(new TaskRecord(newRun(id, s, task, now, false), null, s.apiKey()));
        };
    }

    /**
     * A fresh run: no payload or error, history carried over; a stale cancellation is finished first. Queued, or
     * claimed by {@code claimFor} as its first attempt.
     */
    private static TaskDocument newRun(String id, Schedule s, TaskDocument previous, Instant now, boolean finishCancel) {
        Instant lastCompleted = previous == null ? null : previous.lastCompletedAt();
        Instant lastFailed = previous == null ? null : previous.lastFailedAt();
        Instant lastCanceled = finishCancel ? now : previous == null ? null : previous.lastCanceledAt();
        Instant lastAcknowledged = previous == null ? null : previous.lastAcknowledgedAt();
        boolean claimed = s.claimFor() != null;
        return new TaskDocument(id, s.type(), TaskStatus.IN_PROGRESS, s.stream(), s.space(), s.owner(), now, now,
            claimed ? now : null, s.claimFor(), claimed ? 1 : 0, lastCompleted, lastFailed, lastCanceled, lastAcknowledged,
            s.params(), null, null, null,
            claimed ? List.of(new AttemptRecord(1, s.claimFor(), now, null, null, null)) : List.of());
    }

    private static Decision cancel(String id, Optional<TaskRecord> current, Instant now) {
        if (current.isEmpty()) {
            return new Keep(TaskDocument.notStarted(id));
        }
        TaskDocument task = current.get().document();
        if (task.status() != TaskStatus.IN_PROGRESS) {
            return new Keep(task);
        }
        return new Write(current.get().next(with(task).status(TaskStatus.BEING_CANCELED).updatedAt(now).build(),
            current.get().runAfter()));
    }

    private static Decision acknowledge(String id, Optional<TaskRecord> current, Instant now) {
        TaskStatus status = current.map(r -> r.document().status()).orElse(TaskStatus.NOT_STARTED);
        if (status != TaskStatus.COMPLETED) {
            return new Refuse(new TaskNotCompletedException("task " + id + " is " + status.wireName()
                + ": only a completed task can be acknowledged"));
        }
        TaskDocument task = current.get().document();
        return new Write(current.get().next(with(task).status(TaskStatus.ACKNOWLEDGED).updatedAt(now).lastAcknowledgedAt(now).build()));
    }

    private static Decision claim(Optional<TaskRecord> current, Claim claim, Instant now) {
        if (current.isEmpty()) {
            return new Lost("the task was deleted");
        }
        TaskRecord record = current.get();
        TaskDocument task = record.document();
        if (task.status() != TaskStatus.IN_PROGRESS) {
            return new Lost("the task is " + task.status().wireName());
        }
        if (task.node() != null) {
            return new Lost("node " + task.node() + " holds it");
        }
        if (record.runAfter() != null && record.runAfter().isAfter(now)) {
            return new Lost("it is not due before " + record.runAfter());
        }
        int attempt = task.attempt() + 1;
        List<AttemptRecord> log = new ArrayList<>(task.attempts());
        log.add(new AttemptRecord(attempt, claim.node(), now, null, null, null));
        return new Write(record.next(with(task).node(claim.node()).attempt(attempt).heartbeatAt(now).updatedAt(now)
            .attempts(capped(log)).build()));
    }

    private static Decision heartbeat(Optional<TaskRecord> current, Heartbeat beat, Instant now) {
        Optional<TaskDocument> own = ownRun(current, beat.run());
        if (own.isEmpty()) {
            return lost(current, beat.run());
        }
        TaskDocument task = own.get();
        Map<String, Object> progress = beat.progress() != null ? beat.progress() : task.progress();
        return new Write(current.get().next(with(task).heartbeatAt(now).updatedAt(now).progress(progress).build()));
    }

    private static Decision complete(Optional<TaskRecord> current, Complete complete, Instant now) {
        Optional<TaskDocument> own = ownRun(current, complete.run());
        if (own.isEmpty()) {
            return lost(current, complete.run());
        }
        TaskDocument task = own.get();
        if (task.status() == TaskStatus.BEING_CANCELED) {
            return new Write(current.get().next(canceled(task, now)));
        }
        return new Write(current.get().next(with(task).status(TaskStatus.COMPLETED).updatedAt(now).heartbeatAt(now)
            .lastCompletedAt(now).payload(complete.payload()).progress(null)
            .attempts(ended(task, now, Outcome.COMPLETED, null)).build()));
    }

    private static Decision fail(Optional<TaskRecord> current, Fail fail, Instant now) {
        Optional<TaskDocument> own = ownRun(current, fail.run());
        if (own.isEmpty()) {
            return lost(current, fail.run());
        }
        TaskDocument task = own.get();
        if (task.status() == TaskStatus.BEING_CANCELED) {
            return new Write(current.get().next(canceled(task, now)));
        }
        int failedBefore = failedAttempts(task);
        if (fail.retryable() && failedBefore + 1 < fail.maxAttempts()) {
            Outcome outcome = fail.outcome() == Outcome.TIMED_OUT ? Outcome.TIMED_OUT : Outcome.RETRYING;
            return new Write(current.get().next(with(task).node(null).heartbeatAt(null).updatedAt(now).progress(null)
                .attempts(ended(task, now, outcome, fail.error())).build(), fail.retryAt()));
        }
        Outcome outcome = fail.outcome() == Outcome.TIMED_OUT ? Outcome.TIMED_OUT : Outcome.FAILED;
        return new Write(current.get().next(with(task).status(TaskStatus.FAILED).updatedAt(now).heartbeatAt(now)
            .lastFailedAt(now).error(fail.error()).progress(null).attempts(ended(task, now, outcome, fail.error())).build()));
    }

    private static Decision release(Optional<TaskRecord> current, Release release, Instant now) {
        Optional<TaskDocument> own = ownRun(current, release.run());
        if (own.isEmpty()) {
            return lost(current, release.run());
        }
        TaskDocument task = own.get();
        if (task.status() == TaskStatus.BEING_CANCELED) {
            return new Write(current.get().next(canceled(task, now)));
        }
        return new Write(current.get().next(with(task).node(null).heartbeatAt(null).updatedAt(now)
            .attempts(ended(task, now, Outcome.RELEASED, null)).build()));
    }

    private Decision reap(String id, Optional<TaskRecord> current, Reap reap, Instant now) {
        if (current.isEmpty()) {
            return new Keep(TaskDocument.notStarted(id));
        }
        TaskRecord record = current.get();
        TaskDocument task = record.document();
        boolean leaseLapsed = task.node() != null && task.node().equals(reap.lapsedNode());
        boolean stale = leaseLapsed || staleness.isStale(record, now);
        if (task.status() == TaskStatus.BEING_CANCELED && (stale || task.node() == null)) {
            return new Write(record.next(canceled(task, now)));
        }
        if (task.status() == TaskStatus.IN_PROGRESS && stale && task.node() != null) {
            TaskError lost = leaseLapsed
                ? new TaskError("node_lost", "the lease of node " + task.node() + " lapsed")
                : new TaskError("node_lost", "node " + task.node() + " stopped sending heartbeats"
                    + (task.heartbeatAt() == null ? "" : " after " + task.heartbeatAt()));
            if (failedAttempts(task) + 1 < reap.maxAttempts()) {
                return new Write(record.next(with(task).node(null).heartbeatAt(null).updatedAt(now)
                    .attempts(ended(task, now, Outcome.NODE_LOST, lost)).build()));
            }
            return new Write(record.next(with(task).status(TaskStatus.FAILED).updatedAt(now).lastFailedAt(now)
                .error(lost).attempts(ended(task, now, Outcome.NODE_LOST, lost)).build()));
        }
        return new Keep(task);
    }

    private static TaskDocument canceled(TaskDocument task, Instant now) {
        return with(task).status(TaskStatus.CANCELED).updatedAt(now).lastCanceledAt(now).payload(null).progress(null)
            .attempts(task.node() == null ? task.attempts() : ended(task, now, Outcome.CANCELED, null)).build();
    }

    private static Optional<TaskDocument> ownRun(Optional<TaskRecord> current, RunId run) {
        return current.map(TaskRecord::document)
            .filter(run::holds)
            .filter(t -> t.status() == TaskStatus.IN_PROGRESS || t.status() == TaskStatus.BEING_CANCELED);
    }

    private static Lost lost(Optional<TaskRecord> current, RunId run) {
        if (current.isEmpty()) {
            return new Lost("the task was deleted");
        }
        TaskDocument task = current.get().document();
        if (!task.createdAt().equals(run.createdAt())) {
            return new Lost("the task was scheduled again");
        }
        if (task.status() != TaskStatus.IN_PROGRESS && task.status() != TaskStatus.BEING_CANCELED) {
            return new Lost("the task is already " + task.status().wireName());
        }
        return new Lost(task.node() == null ? "the task was taken back from this run"
            : "node " + task.node() + " holds attempt " + task.attempt());
    }

    /** Failed attempts since the last schedule: those count against {@code maxAttempts}; releases do not. */
    static int failedAttempts(TaskDocument task) {
        return (int) task.attempts().stream()
            .filter(a -> a.outcome() == Outcome.RETRYING || a.outcome() == Outcome.FAILED
                || a.outcome() == Outcome.TIMED_OUT || a.outcome() == Outcome.NODE_LOST)
            .count();
    }

    /** The attempt log with the current attempt closed. */
    private static List<AttemptRecord> ended(TaskDocument task, Instant now, Outcome outcome, TaskError error) {
        List<AttemptRecord> log = new ArrayList<>(task.attempts());
        for (int i = log.size() - 1; i >= 0; i--) {
            AttemptRecord a = log.get(i);
            if (a.attempt() == task.attempt() && a.outcome() == null) {
                log.set(i, new AttemptRecord(a.attempt(), a.node(), a.startedAt(), now, outcome, error));
                return log;
            }
        }
        log.add(new AttemptRecord(task.attempt(), task.node(), now, now, outcome, error));
        return capped(log);
    }

    private static List<AttemptRecord> capped(List<AttemptRecord> log) {
        return log.size() <= ATTEMPT_LOG_SIZE ? log : log.subList(log.size() - ATTEMPT_LOG_SIZE, log.size());
    }

    private static DocumentBuilder with(TaskDocument task) {
        return new DocumentBuilder(task);
    }

    /** Copies a document with some fields changed: records have no withers. */
    static final class DocumentBuilder {
        private final TaskDocument t;
        private TaskStatus status;
        private Instant updatedAt;
        private Instant heartbeatAt;
        private String node;
        private int attempt;
        private Instant lastCompletedAt;
        private Instant lastFailedAt;
        private Instant lastCanceledAt;
        private Instant lastAcknowledgedAt;
        private Map<String, Object> payload;
        private TaskError error;
        private Map<String, Object> progress;
        private List<AttemptRecord> attempts;

        DocumentBuilder(TaskDocument t) {
            this.t = t;
            status = t.status();
            updatedAt = t.updatedAt();
            heartbeatAt = t.heartbeatAt();
            node = t.node();
            attempt = t.attempt();
            lastCompletedAt = t.lastCompletedAt();
            lastFailedAt = t.lastFailedAt();
            lastCanceledAt = t.lastCanceledAt();
            lastAcknowledgedAt = t.lastAcknowledgedAt();
            payload = t.payload();
            error = t.error();
            progress = t.progress();
            attempts = t.attempts();
        }

        DocumentBuilder status(TaskStatus value) {
            status = value;
            return this;
        }

        DocumentBuilder updatedAt(Instant value) {
            updatedAt = value;
            return this;
        }

        DocumentBuilder heartbeatAt(Instant value) {
            heartbeatAt = value;
            return this;
        }

        DocumentBuilder node(String value) {
            node = value;
            return this;
        }

        DocumentBuilder attempt(int value) {
            attempt = value;
            return this;
        }

        DocumentBuilder lastCompletedAt(Instant value) {
            lastCompletedAt = value;
            return this;
        }

        DocumentBuilder lastFailedAt(Instant value) {
            lastFailedAt = value;
            return this;
        }

        DocumentBuilder lastCanceledAt(Instant value) {
            lastCanceledAt = value;
            return this;
        }

        DocumentBuilder lastAcknowledgedAt(Instant value) {
            lastAcknowledgedAt = value;
            return this;
        }

        DocumentBuilder payload(Map<String, Object> value) {
            payload = value;
            return this;
        }

        DocumentBuilder error(TaskError value) {
            error = value;
            return this;
        }

        DocumentBuilder progress(Map<String, Object> value) {
            progress = value;
            return this;
        }

        DocumentBuilder attempts(List<AttemptRecord> value) {
            attempts = value;
            return this;
        }

        TaskDocument build() {
            return new TaskDocument(t.id(), t.type(), status, t.stream(), t.space(), t.owner(), t.createdAt(), updatedAt,
                heartbeatAt, node, attempt, lastCompletedAt, lastFailedAt, lastCanceledAt, lastAcknowledgedAt, t.params(),
                payload, error, progress, attempts);
        }
    }
}

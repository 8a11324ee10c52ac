package io.sluice.scheduler.internal;

import io.sluice.scheduler.internal.TaskTransitions.Action;
import io.sluice.scheduler.internal.TaskTransitions.Decision;
import io.sluice.scheduler.internal.TaskTransitions.Keep;
import io.sluice.scheduler.internal.TaskTransitions.Lost;
import io.sluice.scheduler.internal.TaskTransitions.Refuse;
import io.sluice.scheduler.internal.TaskTransitions.Write;
import io.sluice.store.StoreConflictException;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskStore;
import io.sluice.task.TaskConflictException;
import io.sluice.task.TaskDocument;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Carries out {@link TaskTransitions}: read the task, decide, write conditionally on the version read. On a conflict
 * (someone wrote in between) it reads and decides again, up to {@value #MAX_ROUNDS} times. Races are therefore decided
 * by the store, never by timing.
 */
final class TaskLifecycle {

    /** Rounds of read-decide-write before giving up with a {@link TaskConflictException}. */
    static final int MAX_ROUNDS = 10;

    /** Called just before each conditional write; tests hold writers here to force races. */
    @FunctionalInterface
    interface BeforeWrite {
        BeforeWrite NONE = (id, action) -> { };

        void beforeWrite(String id, Action action);
    }

    /** What came of an action. */
    enum Kind {
        /** A new version was written. */
        WRITTEN,
        /** Nothing needed writing. */
        KEPT,
        /** The acting run no longer holds the task: nothing written. */
        LOST
    }

    /**
     * The outcome of {@link #apply}.
     *
     * @param kind what happened
     * @param document the document now (for {@link Kind#LOST}: as read, or {@code null} if absent)
     * @param stored the stored task with its version ({@code null} when absent)
     * @param lostWhy why the run lost the task, for {@link Kind#LOST}
     * @param replaced for {@link Kind#WRITTEN}: what the write replaced, or {@code null} for a create
     */
    record Result(Kind kind, TaskDocument document, StoredTask stored, String lostWhy, StoredTask replaced) {
    }

    private final TaskStore store;
    private final TaskTransitions transitions;
    private final Clock clock;
    private final BeforeWrite beforeWrite;
    private final LongAdder conflicts = new LongAdder();

    TaskLifecycle(TaskStore store, TaskTransitions transitions, Clock clock, BeforeWrite beforeWrite) {
        this.store = store;
        this.transitions = transitions;
        this.clock = clock;
        this.beforeWrite = beforeWrite;
    }

    /** Applies an action to task {@code id} in {@code space}. Refusals are thrown as their {@code TaskException}. */
    Result apply(String space, String id, Action action) {
        return apply(space, id, action, null);
    }

    /**
     * Applies an action, deciding first on {@code known} (the version the caller last wrote, saving a read); if that
     * is no longer current the write conflicts, and later rounds read as usual.
     */
    Result apply(String space, String id, Action action, StoredTask known) {
        for (int round = 1; ; round++) {
            Optional<StoredTask> current = round == 1 && known != null ? Optional.of(known) : store.get(space, id);
            Decision decision = transitions.decide(id, current, action, now());
            if (decision instanceof Keep keep) {
                return new Result(Kind.KEPT, keep.current(), current.orElse(null), null, null);
            }
            if (decision instanceof Refuse refuse) {
                throw refuse.error();
            }
            if (decision instanceof Lost lost) {
                return new Result(Kind.LOST, current.map(StoredTask::document).orElse(null), current.orElse(null), lost.why(), null);
            }
            Write write = (Write) decision;
            beforeWrite.beforeWrite(id, action);
            try {
                StoredTask written = current.isEmpty()
                    ? store.create(write.next())
                    : store.replace(write.next(), current.get().version());
                return new Result(Kind.WRITTEN, written.document(), written, null, current.orElse(null));
            } catch (StoreConflictException e) {
                conflicts.increment();
                if (round == MAX_ROUNDS) {
                    throw new TaskConflictException("task " + id + " kept changing during " + MAX_ROUNDS
                        + " attempts to apply " + action.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                        + "; try again");
                }
            }
        }
    }

    /**
     * Applies an action to a task presumed not to exist, without reading it first: decided on "absent" and written as
     * a create, which the store refuses when the task exists after all (so nothing is overwritten unread). Empty when
     * the presumption was wrong or the decision is not a write: then {@link #apply} decides again, with a read.
     */
    Optional<Result> applyToAbsent(String space, String id, Action action) {
        Decision decision = transitions.decide(id, Optional.empty(), action, now());
        if (!(decision instanceof Write write)) {
            return Optional.empty();
        }
        beforeWrite.beforeWrite(id, action);
        try {
            StoredTask written = store.create(write.next());
            return Optional.of(new Result(Kind.WRITTEN, written.document(), written, null, null));
        } catch (StoreConflictException e) {
            return Optional.empty();
        }
    }

    /** Conditional writes that lost to another writer since start (each was decided again). */
    long conflicts() {
        return conflicts.sum();
    }

    /** Now, to the millisecond: dates round-trip through the store exactly. */
    Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }
}

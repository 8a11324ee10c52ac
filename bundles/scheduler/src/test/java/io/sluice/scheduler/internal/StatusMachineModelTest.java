package io.sluice.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.scheduler.internal.TaskLifecycle.Kind;
import io.sluice.scheduler.internal.TaskTransitions.Action;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.store.StoredTask;
import io.sluice.task.AttemptRecord;
import io.sluice.task.AttemptRecord.Outcome;
import io.sluice.task.CancellationInProgressException;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskError;
import io.sluice.task.TaskException;
import io.sluice.task.TaskNotCompletedException;
import io.sluice.task.TaskStatus;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * A model-based test of the status machine (SPEC section 3): random sequences of schedule, claim, heartbeat, cancel,
 * complete, fail, acknowledge, release, reap and crash, from a user and two nodes, against the real store on a real
 * OpenSearch node; after every step the answer and the stored document are compared with a small reference model.
 * A node that crashed, or whose run was taken over, keeps acting on the run it believes it holds: every such write
 * must come back lost, which is what keeps a task from running twice. Some steps act on a document read several steps
 * before, as a node acting on a stale read does: the conditional write must then be refused and the action decided
 * again on what is stored.
 *
 * <p>Each sequence has its own seed, in its name; {@code -Dsluice.modelSeed=<seed>} replays that one sequence. Written
 * with JUnit's dynamic tests rather than jqwik: jqwik is a JUnit engine of its own, where the extension that shares
 * the run's one embedded OpenSearch node does not apply, and a second node in the same JVM is not safe.
 */
@ExtendWith(OpenSearchExtension.class)
class StatusMachineModelTest {

    private static final int SEQUENCES = 25;
    private static final int STEPS = 60;
    private static final String SPACE = "default";
    private static final List<String> NODES = List.of("node-a", "node-b");
    private static final Duration STALE_AFTER = Tasks.STALE_AFTER;

    private final Tasks t;
    // What the sequences of this run reached: action and answer, with the status written ("claim WRITTEN in_progress").
    private final Map<String, Integer> reached = new java.util.TreeMap<>();

    StatusMachineModelTest(OpenSearchClient opensearch) {
        t = new Tasks(opensearch);
    }

    @TestFactory
    Stream<DynamicTest> randomSequencesOfEveryActionFromTwoNodesFollowTheReferenceModel() {
        Long replay = Long.getLong("sluice.modelSeed");
        LongStream seeds = replay != null ? LongStream.of(replay) : new SecureRandom().longs(SEQUENCES);
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed + " (replay: -Dsluice.modelSeed=" + seed + ")",
            () -> new Sequence(seed).run()));
    }

    /** Which answers the sequences reached, for whoever wonders what a green run covered (printed, not asserted). */
    @AfterEach
    void printWhatTheSequencesReached() {
        System.out.println("StatusMachineModelTest reached: " + reached);
    }

    // ---- the reference model ------------------------------------------------------------------------------------

    /** One attempt in the log: its number and how it ended ({@code null} while it runs). */
    private record Attempt(int number, Outcome outcome) {
    }

    /** What the model says is stored. Immutable: every step makes a new one. */
    private record Model(boolean exists, TaskStatus status, String node, int attempt, Instant createdAt, Instant updatedAt,
                         Instant heartbeatAt, boolean payload, List<Attempt> log) {

        static final Model ABSENT = new Model(false, null, null, 0, null, null, null, false, List.of());

        boolean live() {
            return exists && (status == TaskStatus.IN_PROGRESS || status == TaskStatus.BEING_CANCELED);
        }

        boolean stale(Instant now) {
            if (!live()) {
                return false;
            }
            Instant since = node != null ? (heartbeatAt != null ? heartbeatAt : updatedAt) : updatedAt;
            return Duration.between(since, now).compareTo(STALE_AFTER) > 0;
        }

        boolean holds(RunId run) {
            return live() && run.node().equals(node) && run.attempt() == attempt && run.createdAt().equals(createdAt);
        }

        int failedAttempts() {
            return (int) log.stream().filter(a -> a.outcome() == Outcome.RETRYING || a.outcome() == Outcome.FAILED
                || a.outcome() == Outcome.TIMED_OUT || a.outcome() == Outcome.NODE_LOST).count();
        }

        Model with(TaskStatus status, String node, int attempt, Instant heartbeatAt, boolean payload, List<Attempt> log,
                   Instant now) {
            return new Model(true, status, node, attempt, createdAt, now, heartbeatAt, payload, log);
        }

        /** The log with the running attempt closed (or a closed entry added), capped as the real one is. */
        List<Attempt> ended(Outcome outcome) {
            List<Attempt> next = new ArrayList<>(log);
            for (int i = next.size() - 1; i >= 0; i--) {
                if (next.get(i).number() == attempt && next.get(i).outcome() == null) {
                    next.set(i, new Attempt(attempt, outcome));
                    return next;
                }
            }
            next.add(new Attempt(attempt, outcome));
            return capped(next);
        }

        Model canceled(Instant now) {
            return with(TaskStatus.CANCELED, node, attempt, heartbeatAt, false, node == null ? log : ended(Outcome.CANCELED), now);
        }

        static List<Attempt> capped(List<Attempt> log) {
            int size = TaskTransitions.ATTEMPT_LOG_SIZE;
            return log.size() <= size ? log : List.copyOf(log.subList(log.size() - size, log.size()));
        }
    }

    /** What an action should do: how the call answers, and what is stored after it. */
    private record Expected(Kind kind, Class<? extends TaskException> refusal, Model next) {

        static Expected written(Model next) {
            return new Expected(Kind.WRITTEN, null, next);
        }

        static Expected unchanged(Kind kind, Model current) {
            return new Expected(kind, null, current);
        }

        static Expected refused(Class<? extends TaskException> refusal, Model current) {
            return new Expected(null, refusal, current);
        }
    }

    /** SPEC 3, as a table of cases: what {@code action} does to {@code m} at {@code now}. */
    private static Expected decide(Model m, Action action, Instant now) {
        if (action instanceof TaskTransitions.Schedule s) {
            boolean fresh = !m.exists() || !m.live() || m.stale(now);
            if (m.exists() && m.status() == TaskStatus.IN_PROGRESS && !m.stale(now)) {
                return Expected.unchanged(Kind.KEPT, m);
            }
            if (m.exists() && m.status() == TaskStatus.BEING_CANCELED && !m.stale(now)) {
                return Expected.refused(CancellationInProgressException.class, m);
            }
            assertTrue(fresh);
            boolean claimed = s.claimFor() != null;
            return Expected.written(new Model(true, TaskStatus.IN_PROGRESS, s.claimFor(), claimed ? 1 : 0, now, now,
                claimed ? now : null, false, claimed ? List.of(new Attempt(1, null)) : List.of()));
        }
        if (action instanceof TaskTransitions.Cancel) {
            return m.exists() && m.status() == TaskStatus.IN_PROGRESS
                ? Expected.written(m.with(TaskStatus.BEING_CANCELED, m.node(), m.attempt(), m.heartbeatAt(), m.payload(), m.log(), now))
                : Expected.unchanged(Kind.KEPT, m);
        }
        if (action instanceof TaskTransitions.Acknowledge) {
            return m.exists() && m.status() == TaskStatus.COMPLETED
                ? Expected.written(m.with(TaskStatus.ACKNOWLEDGED, m.node(), m.attempt(), m.heartbeatAt(), m.payload(), m.log(), now))
                : Expected.refused(TaskNotCompletedException.class, m);
        }
        if (action instanceof TaskTransitions.Claim c) {
            if (!m.exists() || m.status() != TaskStatus.IN_PROGRESS || m.node() != null) {
                return Expected.unchanged(Kind.LOST, m);
            }
            List<Attempt> log = new ArrayList<>(m.log());
            log.add(new Attempt(m.attempt() + 1, null));
            return Expected.written(m.with(TaskStatus.IN_PROGRESS, c.node(), m.attempt() + 1, now, m.payload(), Model.capped(log), now));
        }
        if (action instanceof TaskTransitions.Heartbeat h) {
            return m.holds(h.run())
                ? Expected.written(m.with(m.status(), m.node(), m.attempt(), now, m.payload(), m.log(), now))
                : Expected.unchanged(Kind.LOST, m);
        }
        if (action instanceof TaskTransitions.Complete c) {
            if (!m.holds(c.run())) {
                return Expected.unchanged(Kind.LOST, m);
            }
            return Expected.written(m.status() == TaskStatus.BEING_CANCELED ? m.canceled(now)
                : m.with(TaskStatus.COMPLETED, m.node(), m.attempt(), now, true, m.ended(Outcome.COMPLETED), now));
        }
        if (action instanceof TaskTransitions.Fail f) {
            if (!m.holds(f.run())) {
                return Expected.unchanged(Kind.LOST, m);
            }
            if (m.status() == TaskStatus.BEING_CANCELED) {
                return Expected.written(m.canceled(now));
            }
            if (f.retryable() && m.failedAttempts() + 1 < f.maxAttempts()) {
                return Expected.written(m.with(TaskStatus.IN_PROGRESS, null, m.attempt(), null, m.payload(), m.ended(Outcome.RETRYING), now));
            }
            return Expected.written(m.with(TaskStatus.FAILED, m.node(), m.attempt(), now, m.payload(), m.ended(Outcome.FAILED), now));
        }
        if (action instanceof TaskTransitions.Release r) {
            if (!m.holds(r.run())) {
                return Expected.unchanged(Kind.LOST, m);
            }
            return Expected.written(m.status() == TaskStatus.BEING_CANCELED ? m.canceled(now)
                : m.with(TaskStatus.IN_PROGRESS, null, m.attempt(), null, m.payload(), m.ended(Outcome.RELEASED), now));
        }
        if (action instanceof TaskTransitions.Reap r) {
            boolean lapsed = m.node() != null && m.node().equals(r.lapsedNode());
            boolean stale = lapsed || m.stale(now);
            if (m.exists() && m.status() == TaskStatus.BEING_CANCELED && (stale || m.node() == null)) {
                return Expected.written(m.canceled(now));
            }
            if (m.exists() && m.status() == TaskStatus.IN_PROGRESS && stale && m.node() != null) {
                return Expected.written(m.failedAttempts() + 1 < r.maxAttempts()
                    ? m.with(TaskStatus.IN_PROGRESS, null, m.attempt(), null, m.payload(), m.ended(Outcome.NODE_LOST), now)
                    : m.with(TaskStatus.FAILED, m.node(), m.attempt(), m.heartbeatAt(), m.payload(), m.ended(Outcome.NODE_LOST), now));
            }
            return Expected.unchanged(Kind.KEPT, m);
        }
        throw new IllegalArgumentException(String.valueOf(action));
    }

    // ---- one random sequence ------------------------------------------------------------------------------------

    /** A document as read at some step, and what the model said then: a node acting on an old read. */
    private record Snapshot(StoredTask stored, Model model) {
    }

    private final class Sequence {
        private final long seed;
        private final Random random;
        private final String id;
        private final List<String> steps = new ArrayList<>();
        private final Map<String, RunId> held = new HashMap<>();
        private final List<Snapshot> snapshots = new ArrayList<>();
        private Model model = Model.ABSENT;
        // Few attempts make failures final soon; several let retries and reaps pile up first.
        private final int maxAttempts;

        Sequence(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.id = "model-" + Long.toHexString(seed);
            this.maxAttempts = 1 + random.nextInt(3);
        }

        void run() {
            for (int step = 0; step < STEPS; step++) {
                // Weighted by what is stored, as a real task sees it: a queued task gets claimed, a claimed one beats,
                // ends or is lost; anything may be canceled, rescheduled, reaped, or left until it turns stale.
                int roll = random.nextInt(100);
                String holder = held.keySet().stream().filter(n -> model.holds(held.get(n))).findFirst().orElse(null);
                String node = holder != null && random.nextInt(4) != 0 ? holder : NODES.get(random.nextInt(NODES.size()));
                if (!model.live()) {
                    if (roll < 45) {
                        schedule(node);
                    } else if (roll < 60) {
                        act("acknowledge", null, new TaskTransitions.Acknowledge());
                    } else if (roll < 65) {
                        act("cancel", null, new TaskTransitions.Cancel());
                    } else if (roll < 90) {
                        nodeActs(node, step);
                    } else {
                        advanceClock();
                    }
                } else if (model.node() == null) {
                    if (roll < 45) {
                        act(node + " claims", node, new TaskTransitions.Claim(node));
                    } else if (roll < 55) {
                        reap(node);
                    } else if (roll < 65) {
                        act("cancel", null, new TaskTransitions.Cancel());
                    } else if (roll < 75) {
                        schedule(node);
                    } else if (roll < 90) {
                        advanceClock();
                    } else {
                        nodeActs(node, step);
                    }
                } else {
                    if (roll < 50) {
                        nodeActs(node, step);
                    } else if (roll < 60) {
                        act("cancel", null, new TaskTransitions.Cancel());
                    } else if (roll < 72) {
                        reap(node);
                    } else if (roll < 87) {
                        advanceClock();
                    } else if (roll < 93) {
                        held.remove(node);
                        steps.add(node + " crashes");
                    } else {
                        schedule(node);
                    }
                }
            }
        }

        private void advanceClock() {
            Duration by = random.nextBoolean() ? Duration.ofSeconds(5) : STALE_AFTER.plusSeconds(1);
            t.clock.advance(by);
            steps.add("clock +" + by.toSeconds() + " s");
        }

        private void schedule(String node) {
            String claimFor = random.nextInt(3) == 0 ? node : null;
            act("schedule" + (claimFor == null ? "" : " claimed by " + node), null,
                new TaskTransitions.Schedule("sample", "logs.model", SPACE, "olga", Map.of(), claimFor, null));
        }

        private void reap(String node) {
            String lapsed = random.nextInt(3) == 0 ? node : null;
            act("reap" + (lapsed == null ? "" : " (" + node + "'s lease lapsed)"), null, new TaskTransitions.Reap(maxAttempts, lapsed));
        }

        /** What a node does with the run it believes it holds (or one it never held). */
        private void nodeActs(String node, int step) {
            int roll = random.nextInt(100);
            if (roll < 30) {
                act(node + " beats", node, new TaskTransitions.Heartbeat(run(node), Map.of("step", step)));
            } else if (roll < 55) {
                act(node + " completes", node, new TaskTransitions.Complete(run(node), Map.of("done", step)));
            } else if (roll < 80) {
                boolean retryable = random.nextInt(4) != 0;
                act(node + " fails" + (retryable ? " (retryable)" : ""), node, new TaskTransitions.Fail(run(node),
                    new TaskError("boom", "step " + step), Outcome.FAILED, retryable, maxAttempts, null));
            } else if (roll < 90) {
                act(node + " releases", node, new TaskTransitions.Release(run(node)));
            } else {
                act(node + " claims", node, new TaskTransitions.Claim(node));
            }
        }

        /** The run a node believes it holds, or one it never held (a run of another node's attempt). */
        private RunId run(String node) {
            RunId run = held.get(node);
            return run != null ? run : new RunId(node, Math.max(1, model.attempt()), model.exists() ? model.createdAt() : t.clock.instant());
        }

        private void act(String what, String node, Action action) {
            Instant now = t.clock.instant();
            Snapshot old = !snapshots.isEmpty() && random.nextInt(5) == 0 ? snapshots.get(random.nextInt(snapshots.size())) : null;
            Expected expected;
            if (old == null) {
                expected = decide(model, action, now);
            } else {
                // Decided first on the old read; a write it leads to is refused (the document changed since, unless it did
                // not) and the action decided again on what is stored.
                Expected onOld = decide(old.model(), action, now);
                boolean unchangedSince = old.stored().version().equals(t.store.get(SPACE, id).orElseThrow().version());
                expected = onOld.kind() == Kind.WRITTEN && !unchangedSince ? decide(model, action, now)
                    : onOld.kind() == Kind.WRITTEN ? onOld : new Expected(onOld.kind(), onOld.refusal(), model);
                what += " (on the read of " + old.model().updatedAt() + ")";
            }
            steps.add(what);
            TaskLifecycle.Result result = null;
            Class<?> refusal = null;
            try {
                result = old == null ? t.client.lifecycle().apply(SPACE, id, action)
                    : t.client.lifecycle().apply(SPACE, id, action, old.stored());
            } catch (TaskException e) {
                refusal = e.getClass();
            }
            String trace = "sequence " + id + " (maxAttempts " + maxAttempts + "; replay: -Dsluice.modelSeed=" + seed
                + "), steps:\n  " + String.join("\n  ", steps);
            if (expected.refusal() != null) {
                assertEquals(expected.refusal(), refusal, trace);
            } else {
                assertEquals(null, refusal, trace);
                assertEquals(expected.kind(), result.kind(), trace + "\n  lost why: " + result.lostWhy());
            }
            model = expected.next();
            reached.merge(action.getClass().getSimpleName() + " " + (refusal != null ? refusal.getSimpleName()
                : result.kind() + (result.kind() == Kind.WRITTEN ? " " + model.status().wireName() : "")), 1, Integer::sum);
            compareStored(trace);
            follow(node, action, result);
            if (model.exists()) {
                snapshots.add(new Snapshot(t.store.get(SPACE, id).orElseThrow(), model));
            }
        }

        private void compareStored(String trace) {
            StoredTask stored = t.store.get(SPACE, id).orElse(null);
            if (!model.exists()) {
                assertEquals(null, stored, trace);
                return;
            }
            if (stored == null) {
                fail("nothing stored, the model says " + model + "\n" + trace);
            }
            TaskDocument doc = stored.document();
            assertEquals(model.status(), doc.status(), trace);
            assertEquals(model.node(), doc.node(), trace);
            assertEquals(model.attempt(), doc.attempt(), trace);
            assertEquals(model.createdAt(), doc.createdAt(), trace);
            assertEquals(model.updatedAt(), doc.updatedAt(), trace);
            assertEquals(model.heartbeatAt(), doc.heartbeatAt(), trace);
            assertEquals(model.payload(), doc.payload() != null, trace);
            assertEquals(model.log(), doc.attempts().stream().map(a -> new Attempt(a.attempt(), a.outcome())).toList(), trace);
            assertEquals(model.stale(t.clock.instant()), new Staleness(STALE_AFTER).isStale(stored.record(), t.clock.instant()), trace);
        }

        /**
         * What a node learns from its own action: a run it now holds, or one it lost or ended. A crash is the only
         * other way to forget a run: a node whose run was reaped or rescheduled behind its back still believes in it.
         */
        private void follow(String node, Action action, TaskLifecycle.Result result) {
            if (result == null) {
                return;
            }
            if (action instanceof TaskTransitions.Schedule s && s.claimFor() != null && result.kind() == Kind.WRITTEN) {
                held.put(s.claimFor(), RunId.of(result.document()));
            } else if (action instanceof TaskTransitions.Claim) {
                if (result.kind() == Kind.WRITTEN) {
                    held.put(node, RunId.of(result.document()));
                }
            } else if (action instanceof TaskTransitions.Heartbeat) {
                if (result.kind() == Kind.LOST) {
                    held.remove(node);
                }
            } else if (node != null) {
                // Completed, failed or released, or lost: the run stops either way.
                held.remove(node);
            }
        }
    }
}

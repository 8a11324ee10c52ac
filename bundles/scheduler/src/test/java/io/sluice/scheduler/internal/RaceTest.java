package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.OPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.scheduler.internal.TaskLifecycle.BeforeWrite;
import io.sluice.scheduler.internal.TaskLifecycle.Kind;
import io.sluice.scheduler.internal.TaskLifecycle.Result;
import io.sluice.scheduler.internal.TaskTransitions.Action;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.store.StoredTask;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.ScheduleResult;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskNotCompletedException;
import io.sluice.task.TaskStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Races made deterministic: two writers both read the task and decide, wait for each other at a barrier before their
 * conditional writes, then write in a fixed order. The second write is based on a stale read, so the store refuses it
 * and the second writer must read again and decide again. What the user sees is then decided by the store's
 * versions, not by timing.
 */
@ExtendWith(OpenSearchExtension.class)
class RaceTest {

    private static final String SPACE = "default";
    private static final String ID = "sample_logs.app";

    private final Choreography choreography = new Choreography();
    private final Tasks t;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    RaceTest(OpenSearchClient opensearch) {
        t = new Tasks(opensearch, choreography, 10L * 1024 * 1024);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aRunThatCompletesAfterACancelWasStoredEndsCanceledAndItsResultIsDiscarded() throws Exception {
        RunId run = claimed();
        Future<TaskDocument> cancel = first(() -> t.client.cancel(ID, OPS));
        Future<Result> complete = second(() -> t.runs.complete(SPACE, ID, run, Map.of("answer", 42)));

        assertEquals(TaskStatus.BEING_CANCELED, cancel.get(10, TimeUnit.SECONDS).status());
        Result completed = complete.get(10, TimeUnit.SECONDS);
        assertEquals(TaskStatus.CANCELED, completed.document().status());
        TaskDocument stored = stored().document();
        assertEquals(TaskStatus.CANCELED, stored.status());
        assertNull(stored.payload());
        assertEquals(1, choreography.conflicts(t), "the completion must have lost its first write");
    }

    @Test
    void aCancelThatArrivesAfterTheRunCompletedLeavesTheResult() throws Exception {
        RunId run = claimed();
        Future<Result> complete = first(() -> t.runs.complete(SPACE, ID, run, Map.of("answer", 42)));
        Future<TaskDocument> cancel = second(() -> t.client.cancel(ID, OPS));

        assertEquals(TaskStatus.COMPLETED, complete.get(10, TimeUnit.SECONDS).document().status());
        assertEquals(TaskStatus.COMPLETED, cancel.get(10, TimeUnit.SECONDS).status());
        assertEquals(Map.of("answer", 42), stored().document().payload());
    }

    @Test
    void twoSchedulesAtOnceStartExactlyOneRunAndTheOtherSeesTheNoOp() throws Exception {
        Future<ScheduleResult> a = first(() -> t.client.schedule(request(1), OPS));
        Future<ScheduleResult> b = second(() -> t.client.schedule(request(2), OPS));

        ScheduleResult first = a.get(10, TimeUnit.SECONDS);
        ScheduleResult second = b.get(10, TimeUnit.SECONDS);
        assertTrue(first.started(), "the first schedule started the run");
        assertFalse(second.started(), "the second schedule found it running and says so");
        TaskDocument won = first.task();
        assertEquals(won, second.task(), "the second schedule must return the run the first one started");
        assertEquals(1, won.params().get("steps"));
        assertEquals(won, stored().document());
        assertEquals(1, choreography.conflicts(t));
    }

    @Test
    void anAcknowledgeThatWinsOverARescheduleIsFollowedByTheNewRun() throws Exception {
        completed();
        Future<TaskDocument> ack = first(() -> t.client.acknowledge(ID, OPS));
        Future<TaskDocument> schedule = second(() -> t.client.schedule(request(5), OPS).task());

        TaskDocument acknowledged = ack.get(10, TimeUnit.SECONDS);
        assertEquals(TaskStatus.ACKNOWLEDGED, acknowledged.status());
        assertEquals(Map.of("answer", 42), acknowledged.payload());
        TaskDocument fresh = schedule.get(10, TimeUnit.SECONDS);
        assertEquals(TaskStatus.IN_PROGRESS, fresh.status());
        assertEquals(acknowledged.lastAcknowledgedAt(), fresh.lastAcknowledgedAt());
    }

    @Test
    void aRescheduleThatWinsOverAnAcknowledgeMakesTheAcknowledgeFail() throws Exception {
        completed();
        Future<TaskDocument> schedule = first(() -> t.client.schedule(request(5), OPS).task());
        Future<TaskDocument> ack = second(() -> t.client.acknowledge(ID, OPS));

        assertEquals(TaskStatus.IN_PROGRESS, schedule.get(10, TimeUnit.SECONDS).status());
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> ack.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TaskNotCompletedException.class, refused.getCause());
        assertEquals(TaskStatus.IN_PROGRESS, stored().document().status());
    }

    @Test
    void anOldRunCompletingAfterSomeoneElseRescheduledIsRejectedAndNothingChanges() throws Exception {
        RunId old = claimed();
        t.goStale();
        Future<TaskDocument> reschedule = first(() -> t.client.schedule(request(9), OPS).task());
        Future<Result> lateCompletion = second(() -> t.runs.complete(SPACE, ID, old, Map.of("answer", 1)));

        TaskDocument fresh = reschedule.get(10, TimeUnit.SECONDS);
        StoredTask afterReschedule = stored();
        Result late = lateCompletion.get(10, TimeUnit.SECONDS);
        assertEquals(Kind.LOST, late.kind());
        assertTrue(late.lostWhy().contains("scheduled again"), late.lostWhy());
        assertEquals(afterReschedule.version(), stored().version());
        assertEquals(fresh, stored().document());
        assertNull(stored().document().payload());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private <T> Future<T> first(Callable<T> action) {
        return threads.submit(() -> {
            choreography.role.set(Choreography.Role.FIRST);
            try {
                return action.call();
            } finally {
                choreography.firstDone.countDown();
            }
        });
    }

    private <T> Future<T> second(Callable<T> action) {
        return threads.submit(() -> {
            choreography.role.set(Choreography.Role.SECOND);
            return action.call();
        });
    }

    private ScheduleRequest request(int steps) {
        return ScheduleRequest.of("sample").stream("logs.app").params(Map.of("steps", steps)).build();
    }

    private StoredTask stored() {
        return t.store.get(SPACE, ID).orElseThrow();
    }

    private RunId claimed() {
        t.client.schedule(request(1), OPS);
        return RunId.of(t.runs.claim(SPACE, ID, "node-a").document());
    }

    private void completed() {
        RunId run = claimed();
        t.runs.complete(SPACE, ID, run, Map.of("answer", 42));
        t.clock.advance(Duration.ofSeconds(1));
    }

    /**
     * Holds both racing writers just before their first conditional write until both have read and decided, then
     * lets the first write, and the second only after the first has finished. Later rounds (after a conflict) pass.
     */
    static final class Choreography implements BeforeWrite {
        enum Role { FIRST, SECOND }

        final ThreadLocal<Role> role = new ThreadLocal<>();
        final CountDownLatch firstDone = new CountDownLatch(1);
        private final CyclicBarrier bothDecided = new CyclicBarrier(2);
        private final ThreadLocal<Boolean> held = ThreadLocal.withInitial(() -> false);

        /** Conditional writes that lost (the fixture is new for every test, so these are the race's). */
        long conflicts(Tasks tasks) {
            return tasks.client.lifecycle().conflicts();
        }

        @Override
        public void beforeWrite(String id, Action action) {
            Role mine = role.get();
            if (mine == null || held.get()) {
                return;
            }
            held.set(true);
            try {
                bothDecided.await(10, TimeUnit.SECONDS);
                if (mine == Role.SECOND) {
                    assertTrue(firstDone.await(10, TimeUnit.SECONDS), "the first writer never finished");
                }
            } catch (Exception e) {
                throw new IllegalStateException("race choreography broke", e);
            }
        }
    }
}

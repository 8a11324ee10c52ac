package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.OPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.scheduler.internal.TaskLifecycle.Kind;
import io.sluice.scheduler.internal.TaskLifecycle.Result;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.store.DocVersion;
import io.sluice.store.StoredTask;
import io.sluice.task.AttemptRecord.Outcome;
import io.sluice.task.CancellationInProgressException;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskError;
import io.sluice.task.TaskNotCompletedException;
import io.sluice.task.TaskNotFoundException;
import io.sluice.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Every cell of the decision table in {@link TaskTransitions}, against the real store on the embedded node. Each
 * state is reached through the real transitions, never written by hand.
 */
@ExtendWith(OpenSearchExtension.class)
class StatusMachineTest {

    private static final String SPACE = "default";
    private static final String ID = "sample_logs.app";
    private static final TaskError BOOM = new TaskError("boom", "it broke");

    private final OpenSearchClient opensearch;
    private final Tasks t;

    StatusMachineTest(OpenSearchClient opensearch) {
        this.opensearch = opensearch;
        t = new Tasks(opensearch);
    }

    // ---- schedule --------------------------------------------------------------------------------------------

    @Test
    void scheduleFromAbsentStartsARun() {
        TaskDocument task = schedule(Map.of("steps", 3));
        assertEquals(TaskStatus.IN_PROGRESS, task.status());
        assertEquals(t.clock.instant(), task.createdAt());
        assertEquals("olga", task.owner());
        assertEquals(0, task.attempt());
        assertNull(task.node());
        assertEquals(3, task.params().get("steps"));
        assertEquals(task, stored().document());
    }

    @Test
    void scheduleWithASlotReservedOnThisNodeCreatesTheRunAlreadyClaimed() {
        RecordingSlots slots = new RecordingSlots();
        t.client.bindLocalRuns(slots);
        TaskDocument task = schedule(Map.of());
        assertEquals("node-local", task.node());
        assertEquals(1, task.attempt());
        assertEquals(t.clock.instant(), task.heartbeatAt());
        assertEquals(1, task.attempts().size());
        assertEquals(task, slots.started.orElseThrow().document());
        assertEquals(stored().version(), slots.started.orElseThrow().version());
    }

    @Test
    void aNoOpScheduleGivesTheReservedSlotBack() {
        schedule(Map.of());
        RecordingSlots slots = new RecordingSlots();
        t.client.bindLocalRuns(slots);
        schedule(Map.of());
        assertTrue(slots.released);
        assertTrue(slots.started.isEmpty());
    }

    /** A node's runner as the client sees it, recording what the client hands over. */
    private static final class RecordingSlots implements LocalRuns {
        Optional<StoredTask> started = Optional.empty();
        boolean released;

        @Override
        public Optional<Slot> reserve(String type) {
            return Optional.of(new Slot() {
                @Override
                public String node() {
                    return "node-local";
                }

                @Override
                public void start(StoredTask claimed) {
                    started = Optional.of(claimed);
                }

                @Override
                public void release() {
                    released = true;
                }
            });
        }

        @Override
        public void queued(StoredTask task) {
        }

        @Override
        public void canceled(String space, String id) {
        }
    }

    @Test
    void scheduleOnAHealthyRunIsANoOpThatReturnsIt() {
        TaskDocument first = schedule(Map.of("steps", 3));
        t.clock.advance(Duration.ofSeconds(5));
        DocVersion before = stored().version();
        TaskDocument again = schedule(Map.of("steps", 99));
        assertEquals(first, again);
        assertEquals(before, stored().version());
    }

    @Test
    void scheduleOnAStaleRunStartsANewOne() {
        claimed();
        t.goStale();
        TaskDocument fresh = schedule(Map.of("steps", 7));
        assertEquals(TaskStatus.IN_PROGRESS, fresh.status());
        assertEquals(t.clock.instant(), fresh.createdAt());
        assertNull(fresh.node());
        assertEquals(7, fresh.params().get("steps"));
    }

    @Test
    void scheduleDuringAHealthyCancellationIsRefusedAndChangesNothing() {
        beingCanceled();
        DocVersion before = stored().version();
        assertThrows(CancellationInProgressException.class, () -> schedule(Map.of()));
        assertEquals(before, stored().version());
    }

    @Test
    void scheduleAfterAStaleCancellationFinishesItAsCanceledAndStartsANewRun() {
        beingCanceled();
        t.goStale();
        TaskDocument fresh = schedule(Map.of());
        assertEquals(TaskStatus.IN_PROGRESS, fresh.status());
        assertEquals(t.clock.instant(), fresh.lastCanceledAt());
        assertEquals(t.clock.instant(), fresh.createdAt());
    }

    @Test
    void scheduleAfterCompletedStartsANewRunDroppingThePayloadKeepingHistory() {
        completed();
        Instant completedAt = stored().document().lastCompletedAt();
        t.clock.advance(Duration.ofMinutes(1));
        TaskDocument fresh = schedule(Map.of());
        assertEquals(TaskStatus.IN_PROGRESS, fresh.status());
        assertNull(fresh.payload());
        assertEquals(completedAt, fresh.lastCompletedAt());
        assertEquals(t.clock.instant(), fresh.createdAt());
        assertTrue(fresh.attempts().isEmpty());
    }

    @Test
    void scheduleAfterFailedStartsANewRunDroppingTheError() {
        failed();
        Instant failedAt = stored().document().lastFailedAt();
        TaskDocument fresh = schedule(Map.of());
        assertEquals(TaskStatus.IN_PROGRESS, fresh.status());
        assertNull(fresh.error());
        assertEquals(failedAt, fresh.lastFailedAt());
    }

    @Test
    void scheduleAfterCanceledStartsANewRun() {
        canceled();
        Instant canceledAt = stored().document().lastCanceledAt();
        t.clock.advance(Duration.ofSeconds(1));
        TaskDocument fresh = schedule(Map.of());
        assertEquals(TaskStatus.IN_PROGRESS, fresh.status());
        assertEquals(canceledAt, fresh.lastCanceledAt());
    }

    @Test
    void scheduleAfterAcknowledgedStartsANewRun() {
        acknowledged();
        Instant acknowledgedAt = stored().document().lastAcknowledgedAt();
        t.clock.advance(Duration.ofSeconds(1));
        TaskDocument fresh = schedule(Map.of());
        assertEquals(TaskStatus.IN_PROGRESS, fresh.status());
        assertEquals(acknowledgedAt, fresh.lastAcknowledgedAt());
        assertNotNull(fresh.lastCompletedAt());
    }

    // ---- cancel ----------------------------------------------------------------------------------------------

    @Test
    void cancelOfAnAbsentTaskIsNotFoundAndWritesNothing() {
        assertThrows(TaskNotFoundException.class, () -> t.client.cancel(ID, OPS));
        assertTrue(t.store.get(SPACE, ID).isEmpty());
    }

    @Test
    void cancelOfARunningTaskStoresBeingCanceled() {
        claimed();
        TaskDocument task = t.client.cancel(ID, OPS);
        assertEquals(TaskStatus.BEING_CANCELED, task.status());
        assertEquals(TaskStatus.BEING_CANCELED, stored().document().status());
        assertEquals("node-a", task.node());
    }

    @Test
    void cancelOfAQueuedTaskStoresBeingCanceled() {
        schedule(Map.of());
        assertEquals(TaskStatus.BEING_CANCELED, t.client.cancel(ID, OPS).status());
    }

    @Test
    void cancelLeavesEveryOtherStatusAlone() {
        beingCanceled();
        assertUnchangedBy(() -> assertEquals(TaskStatus.BEING_CANCELED, t.client.cancel(ID, OPS).status()));
        canceledFromScratch();
        assertUnchangedBy(() -> assertEquals(TaskStatus.CANCELED, t.client.cancel(ID, OPS).status()));
        completedFromScratch();
        assertUnchangedBy(() -> assertEquals(TaskStatus.COMPLETED, t.client.cancel(ID, OPS).status()));
        t.client.acknowledge(ID, OPS);
        assertUnchangedBy(() -> assertEquals(TaskStatus.ACKNOWLEDGED, t.client.cancel(ID, OPS).status()));
        failedFromScratch();
        assertUnchangedBy(() -> assertEquals(TaskStatus.FAILED, t.client.cancel(ID, OPS).status()));
    }

    // ---- acknowledge -----------------------------------------------------------------------------------------

    @Test
    void acknowledgeOfACompletedTaskReturnsThePayload() {
        completed();
        TaskDocument task = t.client.acknowledge(ID, OPS);
        assertEquals(TaskStatus.ACKNOWLEDGED, task.status());
        assertEquals(Map.of("answer", 42), task.payload());
        assertEquals(t.clock.instant(), task.lastAcknowledgedAt());
        assertEquals(task, stored().document());
    }

    @Test
    void acknowledgeOfAnyOtherStatusIsRefusedAndChangesNothing() {
        assertThrows(TaskNotFoundException.class, () -> t.client.acknowledge(ID, OPS), "there is no task yet");
        schedule(Map.of());
        assertRefusedAcknowledge("in_progress");
        t.client.cancel(ID, OPS);
        assertRefusedAcknowledge("being_canceled");
        canceledFromScratch();
        assertRefusedAcknowledge("canceled");
        failedFromScratch();
        assertRefusedAcknowledge("failed");
        completedFromScratch();
        t.client.acknowledge(ID, OPS);
        assertRefusedAcknowledge("acknowledged");
    }

    // ---- claim -----------------------------------------------------------------------------------------------

    @Test
    void claimOfAQueuedDueTaskTakesIt() {
        schedule(Map.of());
        Result result = t.runs.claim(SPACE, ID, "node-a");
        assertEquals(Kind.WRITTEN, result.kind());
        TaskDocument task = stored().document();
        assertEquals("node-a", task.node());
        assertEquals(1, task.attempt());
        assertEquals(t.clock.instant(), task.heartbeatAt());
        assertEquals(1, task.attempts().size());
        assertEquals("node-a", task.attempts().get(0).node());
    }

    @Test
    void claimIsLostWhenTheTaskIsAbsentHeldNotDueOrNotQueued() {
        assertEquals(Kind.LOST, t.runs.claim(SPACE, ID, "node-b").kind());
        claimed();
        assertLost(() -> t.runs.claim(SPACE, ID, "node-b"));
        RunId run = RunId.of(stored().document());
        t.runs.fail(SPACE, ID, run, BOOM, Outcome.FAILED, true, 3, t.clock.instant().plusSeconds(10));
        assertLost(() -> t.runs.claim(SPACE, ID, "node-b"));
        t.clock.advance(Duration.ofSeconds(10));
        assertEquals(Kind.WRITTEN, t.runs.claim(SPACE, ID, "node-b").kind());
        t.client.cancel(ID, OPS);
        assertLost(() -> t.runs.claim(SPACE, ID, "node-c"));
        completedFromScratch();
        assertLost(() -> t.runs.claim(SPACE, ID, "node-c"));
    }

    // ---- heartbeat -------------------------------------------------------------------------------------------

    @Test
    void heartbeatOfTheOwnRunRecordsLifeAndProgress() {
        RunId run = claimed();
        t.clock.advance(Duration.ofSeconds(10));
        assertEquals(Kind.WRITTEN, t.runs.heartbeat(SPACE, ID, run, Map.of("done", 1)).kind());
        assertEquals(t.clock.instant(), stored().document().heartbeatAt());
        assertEquals(Map.of("done", 1), stored().document().progress());
    }

    @Test
    void heartbeatDuringACancellationIsWrittenAndShowsTheRunItMustStop() {
        RunId run = beingCanceled();
        Result result = t.runs.heartbeat(SPACE, ID, run, null);
        assertEquals(Kind.WRITTEN, result.kind());
        assertEquals(TaskStatus.BEING_CANCELED, result.document().status());
    }

    @Test
    void heartbeatOfASupersededRunIsLost() {
        assertEquals(Kind.LOST, t.runs.heartbeat(SPACE, ID, new RunId("node-a", 1, t.clock.instant()), null).kind());
        RunId old = claimed();
        t.goStale();
        schedule(Map.of());
        assertLost(() -> t.runs.heartbeat(SPACE, ID, old, Map.of("x", 1)));
        RunId done = completedFromScratch();
        assertLost(() -> t.runs.heartbeat(SPACE, ID, done, null));
    }

    // ---- complete --------------------------------------------------------------------------------------------

    @Test
    void completeOfTheOwnRunStoresThePayload() {
        RunId run = claimed();
        t.runs.heartbeat(SPACE, ID, run, Map.of("done", 2));
        Result result = t.runs.complete(SPACE, ID, run, Map.of("answer", 42));
        TaskDocument task = result.document();
        assertEquals(TaskStatus.COMPLETED, task.status());
        assertEquals(Map.of("answer", 42), task.payload());
        assertEquals(t.clock.instant(), task.lastCompletedAt());
        assertNull(task.progress());
        assertEquals(Outcome.COMPLETED, task.attempts().get(0).outcome());
    }

    @Test
    void completeAfterACancelWasStoredEndsCanceledAndDropsTheResult() {
        RunId run = beingCanceled();
        TaskDocument task = t.runs.complete(SPACE, ID, run, Map.of("answer", 42)).document();
        assertEquals(TaskStatus.CANCELED, task.status());
        assertNull(task.payload());
        assertEquals(Outcome.CANCELED, task.attempts().get(0).outcome());
    }

    @Test
    void completeOfASupersededRunIsLostAndChangesNothing() {
        assertEquals(Kind.LOST, t.runs.complete(SPACE, ID, new RunId("node-a", 1, t.clock.instant()), Map.of()).kind());
        RunId old = claimed();
        t.goStale();
        schedule(Map.of());
        assertLost(() -> t.runs.complete(SPACE, ID, old, Map.of("answer", 1)));
        RunId failed = failedFromScratch();
        assertLost(() -> t.runs.complete(SPACE, ID, failed, Map.of("answer", 1)));
    }

    @Test
    void aPayloadOverTheLimitFailsTheTaskWithAClearError() {
        Tasks small = new Tasks(opensearch, TaskLifecycle.BeforeWrite.NONE, 1024);
        small.client.schedule(ScheduleRequest.of("sample").stream("logs.app").build(), OPS);
        RunId run = RunId.of(small.runs.claim(SPACE, ID, "node-a").document());
        TaskDocument task = small.runs.complete(SPACE, ID, run, Map.of("blob", "x".repeat(2000))).document();
        assertEquals(TaskStatus.FAILED, task.status());
        assertEquals("payload_too_large", task.error().code());
        assertTrue(task.error().message().contains("limit is 1,024"), task.error().message());
    }

    @Test
    void aPayloadThatIsNotAnObjectFailsTheTask() {
        RunId run = claimed();
        TaskDocument task = t.runs.complete(SPACE, ID, run, java.util.List.of(1, 2)).document();
        assertEquals(TaskStatus.FAILED, task.status());
        assertEquals("invalid_payload", task.error().code());
    }

    // ---- fail ------------------------------------------------------------------------------------------------

    @Test
    void aRetryableFailureWithAttemptsLeftQueuesTheTaskAgainWithBackoff() {
        RunId run = claimed();
        Instant retryAt = t.clock.instant().plusSeconds(4);
        t.runs.fail(SPACE, ID, run, BOOM, Outcome.FAILED, true, 3, retryAt);
        StoredTask task = stored();
        assertEquals(TaskStatus.IN_PROGRESS, task.document().status());
        assertNull(task.document().node());
        assertEquals(retryAt, task.record().runAfter());
        assertEquals(Outcome.RETRYING, task.document().attempts().get(0).outcome());
        assertEquals(BOOM, task.document().attempts().get(0).error());
    }

    @Test
    void aRetryableFailureOnTheLastAttemptFailsTheTask() {
        schedule(Map.of());
        for (int attempt = 1; attempt <= 3; attempt++) {
            RunId run = RunId.of(t.runs.claim(SPACE, ID, "node-a").document());
            t.runs.fail(SPACE, ID, run, BOOM, Outcome.FAILED, true, 3, t.clock.instant());
        }
        TaskDocument task = stored().document();
        assertEquals(TaskStatus.FAILED, task.status());
        assertEquals(BOOM, task.error());
        assertEquals(3, task.attempt());
        assertEquals(3, task.attempts().size());
    }

    @Test
    void anExpectedFailureFailsAtOnce() {
        RunId run = claimed();
        TaskDocument task = t.runs.fail(SPACE, ID, run, BOOM, Outcome.FAILED, false, 3, null).document();
        assertEquals(TaskStatus.FAILED, task.status());
        assertEquals(t.clock.instant(), task.lastFailedAt());
        assertEquals(1, task.attempts().size());
    }

    @Test
    void aFailureAfterACancelEndsCanceled() {
        RunId run = beingCanceled();
        assertEquals(TaskStatus.CANCELED, t.runs.fail(SPACE, ID, run, BOOM, Outcome.FAILED, true, 3, null).document().status());
    }

    @Test
    void aFailureOfASupersededRunIsLost() {
        RunId old = claimed();
        t.goStale();
        schedule(Map.of());
        assertLost(() -> t.runs.fail(SPACE, ID, old, BOOM, Outcome.FAILED, false, 3, null));
    }

    // ---- release ---------------------------------------------------------------------------------------------

    @Test
    void releaseQueuesTheTaskAgainWithoutUsingAnAttempt() {
        RunId run = claimed();
        t.runs.release(SPACE, ID, run);
        TaskDocument task = stored().document();
        assertEquals(TaskStatus.IN_PROGRESS, task.status());
        assertNull(task.node());
        assertEquals(Outcome.RELEASED, task.attempts().get(0).outcome());
        assertEquals(0, TaskTransitions.failedAttempts(task));
    }

    @Test
    void releaseDuringACancellationEndsCanceled() {
        RunId run = beingCanceled();
        assertEquals(TaskStatus.CANCELED, t.runs.release(SPACE, ID, run).document().status());
    }

    @Test
    void releaseOfASupersededRunIsLost() {
        RunId old = claimed();
        t.goStale();
        schedule(Map.of());
        assertLost(() -> t.runs.release(SPACE, ID, old));
    }

    // ---- reap ------------------------------------------------------------------------------------------------

    @Test
    void reapOfAStaleClaimQueuesTheTaskAgainWhileAttemptsAreLeft() {
        claimed();
        t.goStale();
        TaskDocument task = t.runs.reap(SPACE, ID, 3).document();
        assertEquals(TaskStatus.IN_PROGRESS, task.status());
        assertNull(task.node());
        assertEquals(Outcome.NODE_LOST, task.attempts().get(0).outcome());
    }

    @Test
    void reapOfAStaleClaimOnTheLastAttemptFailsTheTaskAsNodeLost() {
        claimed();
        t.goStale();
        TaskDocument task = t.runs.reap(SPACE, ID, 1).document();
        assertEquals(TaskStatus.FAILED, task.status());
        assertEquals("node_lost", task.error().code());
        assertTrue(task.error().message().contains("node-a"), task.error().message());
    }

    @Test
    void reapLeavesHealthyRunsQueuedTasksAndFinishedTasksAlone() {
        assertEquals(Kind.KEPT, t.runs.reap(SPACE, ID, 3).kind());
        claimed();
        assertUnchangedBy(() -> t.runs.reap(SPACE, ID, 3));
        schedule(Map.of());
        failedFromScratch();
        assertUnchangedBy(() -> t.runs.reap(SPACE, ID, 3));
        t.client.schedule(request(Map.of()), OPS);
        t.goStale();
        // Queued and unclaimed (no node has the type): it waits, reported stale, instead of failing.
        assertUnchangedBy(() -> t.runs.reap(SPACE, ID, 3));
        completedFromScratch();
        assertUnchangedBy(() -> t.runs.reap(SPACE, ID, 3));
    }

    @Test
    void reapFinishesAStaleCancellation() {
        beingCanceled();
        assertUnchangedBy(() -> t.runs.reap(SPACE, ID, 3));
        t.goStale();
        assertEquals(TaskStatus.CANCELED, t.runs.reap(SPACE, ID, 3).document().status());
    }

    @Test
    void reapFinishesAnUnclaimedCancellationAtOnce() {
        schedule(Map.of());
        t.client.cancel(ID, OPS);
        TaskDocument task = t.runs.reap(SPACE, ID, 3).document();
        assertEquals(TaskStatus.CANCELED, task.status());
        assertEquals(t.clock.instant(), task.lastCanceledAt());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private ScheduleRequest request(Map<String, Object> params) {
        return ScheduleRequest.of("sample").stream("logs.app").params(params).build();
    }

    private TaskDocument schedule(Map<String, Object> params) {
        return t.client.schedule(request(params), OPS).task();
    }

    private StoredTask stored() {
        return t.store.get(SPACE, ID).orElseThrow();
    }

    private RunId claimed() {
        schedule(Map.of());
        return RunId.of(t.runs.claim(SPACE, ID, "node-a").document());
    }

    private RunId beingCanceled() {
        RunId run = claimed();
        t.client.cancel(ID, OPS);
        return run;
    }

    private RunId completed() {
        RunId run = claimed();
        t.runs.complete(SPACE, ID, run, Map.of("answer", 42));
        return run;
    }

    private void failed() {
        RunId run = claimed();
        t.runs.fail(SPACE, ID, run, BOOM, Outcome.FAILED, false, 3, null);
    }

    private void canceled() {
        RunId run = beingCanceled();
        t.runs.release(SPACE, ID, run);
    }

    private void acknowledged() {
        completed();
        t.client.acknowledge(ID, OPS);
    }

    /** Whatever the task is now, start over and bring it to the named state. */
    private RunId completedFromScratch() {
        resetToTerminal();
        return completed();
    }

    private RunId failedFromScratch() {
        resetToTerminal();
        RunId run = claimed();
        t.runs.fail(SPACE, ID, run, BOOM, Outcome.FAILED, false, 3, null);
        return run;
    }

    private void canceledFromScratch() {
        resetToTerminal();
        canceled();
    }

    /** Ends whatever run there is, so that a schedule starts a new one. */
    private void resetToTerminal() {
        Optional<StoredTask> now = t.store.get(SPACE, ID);
        if (now.isEmpty()) {
            return;
        }
        TaskStatus status = now.get().document().status();
        if (status == TaskStatus.IN_PROGRESS || status == TaskStatus.BEING_CANCELED) {
            t.goStale();
            if (status == TaskStatus.IN_PROGRESS && now.get().document().node() == null) {
                t.client.cancel(ID, OPS);
            }
            t.runs.reap(SPACE, ID, 1);
        }
        t.clock.advance(Duration.ofSeconds(1));
    }

    private void assertRefusedAcknowledge(String status) {
        assertUnchangedBy(() -> {
            TaskNotCompletedException e = assertThrows(TaskNotCompletedException.class, () -> t.client.acknowledge(ID, OPS));
            assertTrue(e.getMessage().contains(status), e.getMessage());
        });
    }

    private void assertLost(java.util.function.Supplier<Result> action) {
        assertUnchangedBy(() -> assertEquals(Kind.LOST, action.get().kind()));
    }

    private void assertUnchangedBy(Runnable action) {
        Optional<StoredTask> before = t.store.get(SPACE, ID);
        action.run();
        Optional<StoredTask> after = t.store.get(SPACE, ID);
        assertEquals(before.map(StoredTask::version), after.map(StoredTask::version), "the task was written");
    }
}

package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.ADMIN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.scheduler.internal.ProbeTask.RunRecord;
import io.sluice.task.AttemptRecord;
import io.sluice.task.AttemptRecord.Outcome;
import io.sluice.task.spi.CancellationReason;
import io.sluice.task.ReportedStatus;
import io.sluice.task.StoreUnavailableException;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskStatus;
import io.sluice.task.TaskStatusView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/** The runner on a real store, with short timings (stale after 3 s, a heartbeat a second, 100 ms polls). */
@ExtendWith(OpenSearchExtension.class)
class TaskRunnerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final OpenSearchClient opensearch;
    private final Tasks t;
    private final TaskTypes types = new TaskTypes();
    private final ProbeTask probe = new ProbeTask("probe", "node-a", Duration.ofSeconds(30), 3);
    private final Node node;
    // Schedules that must wait (for a key) while the test looks on.
    private final ExecutorService callers = Executors.newCachedThreadPool();

    TaskRunnerTest(OpenSearchClient opensearch) {
        this.opensearch = opensearch;
        t = new Tasks(opensearch);
        types.register(probe, 1, "probe.bundle", 7);
        node = new Node("node-a", t.store, types, t.access, Node.settings("node-a", 4));
    }

    @AfterEach
    void stopNode() {
        callers.shutdownNow();
        node.close();
    }

    @Test
    void aTaskScheduledOnANodeWithItsTypeStartsAtOnceAndCompletes() throws Exception {
        Instant asked = Instant.now();
        schedule("quick", Map.of());
        assertTrue(probe.startOf("quick").await(5, TimeUnit.SECONDS));
        TaskStatusView done = awaitStatus("quick", ReportedStatus.COMPLETED);
        assertEquals(Map.of("node", "node-a", "attempt", 1), done.payload());
        RunRecord run = probe.runsOf("quick").get(0);
        assertTrue(Duration.between(asked, run.started()).toMillis() < 1000,
            "schedule to start took " + Duration.between(asked, run.started()));
        assertTrue(node.runner.startLatencyMillis(50) >= 0);
    }

    @Test
    void progressIsVisibleWhileTheTaskRuns() {
        schedule("steps", Map.of("millis", 4000));
        await().atMost(WAIT).until(() -> status("steps").progress() != null);
        TaskStatusView running = status("steps");
        assertEquals(ReportedStatus.IN_PROGRESS, running.status());
        assertTrue(((Number) running.progress().get("step")).intValue() >= 1);
        awaitStatus("steps", ReportedStatus.COMPLETED);
    }

    @Test
    void aCancelOnTheSameNodeReachesTheRunAtOnce() throws Exception {
        schedule("blocked", Map.of("behaviour", "block", "millis", 60_000));
        assertTrue(probe.startOf("blocked").await(5, TimeUnit.SECONDS));
        Instant canceled = Instant.now();
        node.client.cancel("blocked", ADMIN);
        TaskStatusView view = awaitStatus("blocked", ReportedStatus.CANCELED);
        RunRecord run = probe.runsOf("blocked").get(0);
        long latency = Duration.between(canceled, run.sawCancel()).toMillis();
        // A generous bound: the benchmark measures the real figure.
        assertTrue(latency < 1000, "the run saw its cancel after " + latency + " ms");
        assertEquals(CancellationReason.CANCELED, run.reason());
        assertEquals(Outcome.CANCELED, lastAttempt(view.id()).outcome());
    }

    @Test
    void aCancelStoredByAnotherNodeReachesTheRunWithinAHeartbeat() throws Exception {
        schedule("remote", Map.of("behaviour", "block", "millis", 60_000));
        assertTrue(probe.startOf("remote").await(5, TimeUnit.SECONDS));
        Instant canceled = Instant.now();
        t.client.cancel("remote", ADMIN); // a client with no runner: only the heartbeat can tell node-a
        awaitStatus("remote", ReportedStatus.CANCELED);
        long latency = Duration.between(canceled, probe.runsOf("remote").get(0).sawCancel()).toMillis();
        assertTrue(latency < 2000, "the run saw a remote cancel after " + latency + " ms (heartbeat 1 s)");
    }

    @Test
    void aRunPastItsTimeoutIsCancelledAndCountsAsAFailedAttempt() {
        ProbeTask slow = new ProbeTask("slow", "node-a", Duration.ofMillis(300), 2);
        types.register(slow, 2, "probe.bundle", 7);
        node.client.schedule(ScheduleRequest.of("slow").id("late").params(Map.of("behaviour", "block", "millis", 60_000)).build(), ADMIN);
        TaskStatusView failed = awaitStatus("late", ReportedStatus.FAILED);
        assertEquals("timeout", failed.error().code());
        assertEquals(List.of(Outcome.TIMED_OUT, Outcome.TIMED_OUT), outcomes("late"));
        assertEquals(List.of(CancellationReason.TIMED_OUT, CancellationReason.TIMED_OUT),
            slow.runsOf("late").stream().map(RunRecord::reason).toList());
    }

    @Test
    void unexpectedErrorsAreRetriedWithBackoffUntilAnAttemptSucceeds() {
        schedule("flaky", Map.of("behaviour", "fail", "succeedOnAttempt", 3));
        TaskStatusView done = awaitStatus("flaky", ReportedStatus.COMPLETED);
        assertEquals(3, ((Number) done.payload().get("attempt")).intValue());
        assertEquals(List.of(Outcome.RETRYING, Outcome.RETRYING, Outcome.COMPLETED), outcomes("flaky"));
        List<RunRecord> runs = probe.runsOf("flaky");
        // Backoff starts at 100 ms and doubles, with jitter of +-50 %.
        assertTrue(Duration.between(runs.get(0).started(), runs.get(1).started()).toMillis() >= 50);
        assertTrue(Duration.between(runs.get(1).started(), runs.get(2).started()).toMillis() >= 100);
        assertEquals("probe failure on attempt 1", lastErrorOf(0, "flaky"));
    }

    @Test
    void unexpectedErrorsOnEveryAttemptFailTheTaskAfterMaxAttempts() {
        schedule("broken", Map.of("behaviour", "fail"));
        TaskStatusView failed = awaitStatus("broken", ReportedStatus.FAILED);
        assertEquals("error", failed.error().code());
        assertTrue(failed.error().message().contains("attempt 3"), failed.error().message());
        assertEquals(List.of(Outcome.RETRYING, Outcome.RETRYING, Outcome.FAILED), outcomes("broken"));
    }

    @Test
    void aTaskFailureFailsAtOnceWithoutARetry() {
        schedule("refused", Map.of("behaviour", "expected"));
        TaskStatusView failed = awaitStatus("refused", ReportedStatus.FAILED);
        assertEquals("probe_expected", failed.error().code());
        assertEquals("expected failure", failed.error().message());
        assertEquals(List.of(Outcome.FAILED), outcomes("refused"));
    }

    @Test
    void aRunThatIgnoresItsCancelIsAbandonedAfterTheGraceAndItsSlotFreed() throws Exception {
        schedule("stubborn", Map.of("behaviour", "ignore-cancel", "millis", 6000));
        assertTrue(probe.startOf("stubborn").await(5, TimeUnit.SECONDS));
        Instant canceled = Instant.now();
        node.client.cancel("stubborn", ADMIN);
        awaitStatus("stubborn", ReportedStatus.CANCELED);
        assertTrue(Duration.between(canceled, Instant.now()).toMillis() < 3000, "not abandoned after the 0.5 s grace");
        assertEquals(0, node.runner.runningCount());
        assertTrue(probe.runsOf("stubborn").isEmpty(), "the stubborn run should still be going");
    }

    @Test
    void whenTheTypeGoesAwayItsRunsAreReleasedNotFailedAndRunAgainWhenItReturns() throws Exception {
        schedule("survivor", Map.of("millis", 2000));
        assertTrue(probe.startOf("survivor").await(5, TimeUnit.SECONDS));
        types.unregister(probe);
        await().atMost(WAIT).until(() -> t.store.get("default", "survivor").orElseThrow().document().node() == null);
        TaskDocument released = t.store.get("default", "survivor").orElseThrow().document();
        assertEquals(TaskStatus.IN_PROGRESS, released.status());
        assertEquals(List.of(Outcome.RELEASED), outcomes("survivor"));

        types.register(probe, 3, "probe.bundle", 8);
        awaitStatus("survivor", ReportedStatus.COMPLETED);
        assertEquals(List.of(Outcome.RELEASED, Outcome.COMPLETED), outcomes("survivor"));
        assertEquals(CancellationReason.TYPE_UNREGISTERED, probe.runsOf("survivor").get(0).reason());
    }

    @Test
    void aClaimLeftByADeadNodeIsTakenOverAfterStaleAfter() {
        ProbeTask late = new ProbeTask("late", "node-a", Duration.ofSeconds(30), 3);
        DeadNode ghost = deadNodeHoldingOrphan(late);

        types.register(late, 4, "probe.bundle", 7);
        awaitStatus("orphan", ReportedStatus.COMPLETED);
        Duration takenOver = Duration.between(ghost.claimedAt(), late.runsOf("orphan").get(0).started());
        assertTrue(takenOver.toMillis() > 3000, "taken over after only " + takenOver + " (stale after 3 s)");
        List<AttemptRecord> attempts = t.store.get("default", "orphan").orElseThrow().document().attempts();
        assertEquals("ghost", attempts.get(0).node());
        assertEquals(Outcome.NODE_LOST, attempts.get(0).outcome());
        assertEquals("node-a", attempts.get(1).node());
        assertEquals(Outcome.COMPLETED, attempts.get(1).outcome());
    }

    @Test
    void aClaimLeftByADeadNodeRunsAgainWhileABacklogDrainsNotAfterIt() {
        ProbeTask late = new ProbeTask("late", "node-a", Duration.ofSeconds(30), 3);
        DeadNode ghost = deadNodeHoldingOrphan(late);
        // A backlog queued after it, for about 10 s of this node's 4 slots.
        int backlog = 400;
        for (int i = 0; i < backlog; i++) {
            ghost.client().schedule(ScheduleRequest.of("late").id("backlog-" + i).params(Map.of("millis", 100)).build(), ADMIN);
        }

        types.register(late, 4, "probe.bundle", 7);
        // The orphan turns stale after 3 s and is queued again, older than every backlog task: the next timed poll must
        // find it, even with every slot busy and the backlog walked from its cursor.
        await().atMost(Duration.ofSeconds(60)).until(() -> !late.runsOf("orphan").isEmpty());
        long backlogStarted = java.util.stream.IntStream.range(0, backlog).filter(i -> !late.runsOf("backlog-" + i).isEmpty()).count();
        assertTrue(backlogStarted < backlog, "the orphan ran again only after all " + backlog + " backlog tasks had started");
    }

    @Test
    void cleanupDeletesFinishedTasksIdleForLongerThanCleanupAfter() throws java.io.IOException {
        // Eight days before the wall clock the node's cleanup reads, whatever today's date is.
        t.clock.advance(Duration.between(t.clock.instant(), java.time.Instant.now().minus(Duration.ofDays(8))));
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.old").build(), ADMIN);
        t.client.cancel("sample_logs.old", ADMIN);
        t.runs.reap("default", "sample_logs.old", 3);
        schedule("recent", Map.of());
        awaitStatus("recent", ReportedStatus.COMPLETED);
        // Cleanup is a delete-by-query, a search: it sees what is refreshed (within a second in production).
        opensearch.indices().refresh(r -> r.index(t.store.index()));

        node.runner.cleanup();

        assertTrue(t.store.get("default", "sample_logs.old").isEmpty());
        assertTrue(t.store.get("default", "recent").isPresent());
    }

    /** A node that scheduled and claimed it, and when it claimed it. */
    private record DeadNode(NodeTaskClient client, Instant claimedAt) {
    }

    /**
     * A node with the type {@code late} that schedules task "orphan" and claims it, then dies: it never beats again.
     * Its client can still schedule, as that node did before it died.
     */
    private DeadNode deadNodeHoldingOrphan(ProbeTask late) {
        TaskTypes elsewhere = new TaskTypes();
        elsewhere.register(late, 1, "probe.bundle", 7);
        NodeTaskClient ghostClient = new NodeTaskClient(t.store, elsewhere, t.access, Duration.ofSeconds(3), Clock.systemUTC(),
            TaskLifecycle.BeforeWrite.NONE);
        ghostClient.schedule(ScheduleRequest.of("late").id("orphan").build(), ADMIN);
        TaskRuns ghost = new TaskRuns(ghostClient.lifecycle(), new PluginJson(), 1024 * 1024);
        Instant claimed = Instant.now();
        assertEquals(TaskLifecycle.Kind.WRITTEN, ghost.claim("default", "orphan", "ghost").kind());
        return new DeadNode(ghostClient, claimed);
    }

    @Test
    void aTaskStartingHereIsWrittenWhileItsKeyIsStoredAndRunsOnlyOnceTheKeyIs() throws Exception {
        CompletableFuture<Void> keyStored = new CompletableFuture<>();
        Future<?> scheduled = scheduleWhileItsKeyIsPending("keyed", keyStored);
        // The task is stored, claimed by this node, while its key is still on its way ...
        assertEquals("node-a", t.store.get("default", "keyed").orElseThrow().document().node());
        // ... and neither does the schedule return nor the run start until the key is stored.
        assertThrows(TimeoutException.class, () -> scheduled.get(300, TimeUnit.MILLISECONDS));
        assertEquals(1, probe.startOf("keyed").getCount(), "the run started before its key was stored");
        keyStored.complete(null);
        scheduled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(probe.startOf("keyed").await(5, TimeUnit.SECONDS));
    }

    @Test
    void aTaskWrittenBesideAKeyThatCouldNotBeStoredIsDeletedAgainAndNeverRuns() throws Exception {
        CompletableFuture<Void> keyStored = new CompletableFuture<>();
        Future<?> scheduled = scheduleWhileItsKeyIsPending("unkeyed", keyStored);
        keyStored.completeExceptionally(new StoreUnavailableException("the API key index refused the write: read-only", null));
        ExecutionException e = assertThrows(ExecutionException.class, () -> scheduled.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StoreUnavailableException && e.getCause().getMessage().contains("read-only"),
            String.valueOf(e.getCause()));
        assertTrue(t.store.get("default", "unkeyed").isEmpty(), "the task written beside the failed key is gone");
        assertEquals(1, probe.startOf("unkeyed").getCount(), "the task ran under a key that was never stored");
    }

    /**
     * Schedules {@code id} from another thread with a key stored when {@code keyStored} completes, and returns once the
     * task is in the store (the schedule itself still waiting for the key).
     */
    private Future<?> scheduleWhileItsKeyIsPending(String id, CompletableFuture<Void> keyStored) {
        node.client.bindApiKeys(new PendingKeys(keyStored));
        Future<?> scheduled = callers.submit(() -> schedule(id, Map.of()));
        await().atMost(WAIT).until(() -> t.store.get("default", id).isPresent());
        return scheduled;
    }

    private void schedule(String id, Map<String, Object> params) {
        node.client.schedule(ScheduleRequest.of("probe").id(id).params(params).build(), ADMIN);
    }

    private TaskStatusView status(String id) {
        return node.client.status(id, ADMIN);
    }

    private TaskStatusView awaitStatus(String id, ReportedStatus expected) {
        await().atMost(WAIT).until(() -> status(id).status() == expected);
        return status(id);
    }

    private List<Outcome> outcomes(String id) {
        return t.store.get("default", id).orElseThrow().document().attempts().stream().map(AttemptRecord::outcome).toList();
    }

    private AttemptRecord lastAttempt(String id) {
        List<AttemptRecord> attempts = t.store.get("default", id).orElseThrow().document().attempts();
        return attempts.get(attempts.size() - 1);
    }

    private String lastErrorOf(int index, String id) {
        AttemptRecord attempt = t.store.get("default", id).orElseThrow().document().attempts().get(index);
        return attempt.error().message().replace("java.lang.IllegalStateException: ", "");
    }
}

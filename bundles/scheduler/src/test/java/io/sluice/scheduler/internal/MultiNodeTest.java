package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.ADMIN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.EmbeddedOpenSearch;
import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskQuery;
import io.sluice.task.AttemptRecord;
import io.sluice.task.ReportedStatus;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Several nodes over one OpenSearch share the work: every task runs on one node at a time, none runs to completion
 * twice, and killing a node's process loses nothing. Each node has its own type whiteboard and writes a run log.
 */
@ExtendWith(OpenSearchExtension.class)
class MultiNodeTest {

    private static final Set<String> WORK = Set.of("work");

    private final OpenSearchClient opensearch;
    private final EmbeddedOpenSearch node;
    private final Tasks t;

    @TempDir
    Path logs;

    MultiNodeTest(OpenSearchClient opensearch, EmbeddedOpenSearch node) {
        this.opensearch = opensearch;
        this.node = node;
        this.t = new Tasks(opensearch);
    }

    @Test
    void fiveHundredTasksOverTwoNodesEachRunToCompletionExactlyOnce() throws IOException {
        Path log = logs.resolve("runs.log");
        try (Node a = node("node-a", 10, log); Node b = node("node-b", 10, log)) {
            for (int i = 0; i < 500; i++) {
                Node via = i % 2 == 0 ? a : b;
                via.client.schedule(ScheduleRequest.of("work").id("task-" + i).params(Map.of("millis", 10)).build(), ADMIN);
            }
            awaitCompleted(500, Duration.ofSeconds(120));
        }
        List<Event> events = read(log);
        Map<String, Long> ends = events.stream().filter(e -> e.kind.equals("end"))
            .collect(Collectors.groupingBy(e -> e.task, Collectors.counting()));
        assertEquals(500, ends.size(), "tasks that completed a run");
        assertEquals(Set.of(1L), Set.copyOf(ends.values()), "a task ran to completion more than once");
        Map<String, Long> byNode = events.stream().filter(e -> e.kind.equals("end"))
            .collect(Collectors.groupingBy(e -> e.node, Collectors.counting()));
        assertTrue(byNode.getOrDefault("node-a", 0L) > 0 && byNode.getOrDefault("node-b", 0L) > 0,
            "both nodes should have worked: " + byNode);
        for (TaskDocument task : completed()) {
            assertEquals(1, task.attempts().size(), task.id() + " was attempted more than once");
        }
    }

    @Test
    void clocksTenSecondsApartOnTwoNodesGiveNoFalseStaleAndNoDoubleRun() throws IOException {
        // The default staleAfter (30 s) and a lease judged by each observer's own monotonic clock: one node's wall clock
        // 5 s ahead, the other's 5 s behind, and a reader on the true time.
        Path log = logs.resolve("skewed.log");
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(5));
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-5));
        NodeTaskClient reader = new NodeTaskClient(t.store, types(log, "reader"), t.access, Duration.ofSeconds(30),
            Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
        Set<String> seenStale = new java.util.TreeSet<>();
        int tasks = 120;
        try (Node a = new Node("node-a", t.store, types(log, "node-a"), t.access, skewSettings("node-a"), ahead);
             Node b = new Node("node-b", t.store, types(log, "node-b"), t.access, skewSettings("node-b"), behind)) {
            for (int i = 0; i < tasks; i++) {
                Node via = i % 2 == 0 ? a : b;
                // Every fifth run long enough to beat several times, on both nodes (every other one is scheduled on each).
                via.client.schedule(ScheduleRequest.of("work").id("skew-" + i).params(Map.of("millis", i % 5 == 0 ? 2500 : 20))
                    .build(), ADMIN);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                // The long runs are the ones whose heartbeats a skewed clock could make look old.
                for (int i = 0; i < tasks; i += 5) {
                    for (Node view : List.of(a, b)) {
                        if (view.client.status("skew-" + i, ADMIN).status() == ReportedStatus.STALE) {
                            seenStale.add("skew-" + i + " seen by " + view.id);
                        }
                    }
                }
                return reader.list(io.sluice.task.TaskFilter.all().withStatus(TaskStatus.COMPLETED), io.sluice.task.PageRequest.first(1), ADMIN)
                    .total() == tasks;
            });
        }
        assertEquals(Set.of(), seenStale, "a run on a live node was reported stale");
        Map<String, Long> ends = read(log).stream().filter(e -> e.kind.equals("end") && e.task.startsWith("skew-"))
            .collect(Collectors.groupingBy(e -> e.task, Collectors.counting()));
        assertEquals(tasks, ends.size(), "tasks that completed a run");
        assertEquals(Set.of(1L), Set.copyOf(ends.values()), "a task ran more than once");
    }

    /** The defaults where they matter here (stale after 30 s, a lease lapsing after 6 s), fast polling for the test. */
    private static SchedulerSettings skewSettings(String id) {
        return new SchedulerSettings(id, 10, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofDays(7), 10L * 1024 * 1024,
            Duration.ofSeconds(2), Duration.ofSeconds(6));
    }

    @Test
    void killingANodeMidRunLosesNoTaskAndItsTasksRunAgainElsewhereAfterStaleAfter() throws Exception {
        Path logB = logs.resolve("node-b.log");
        Path logA = logs.resolve("node-a.log");
        Process b = nodeProcess("node-b", logB, false);
        try {
            // Queued from a client that runs nothing itself: node-b picks them up by polling.
            NodeTaskClient scheduler = new NodeTaskClient(t.store, types(logA, "scheduler"), t.access, Duration.ofSeconds(3),
                Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
            for (int i = 0; i < 40; i++) {
                scheduler.schedule(ScheduleRequest.of("work").id("job-" + i).params(Map.of("millis", 1500)).build(), ADMIN);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> startedOn(logB).size() >= 5);
            Instant killed = Instant.now();
            b.destroyForcibly().waitFor();
            // In flight at the kill: started on node-b and never ended there (the log is written synchronously).
            Set<String> heldByB = new java.util.HashSet<>(startedOn(logB));
            read(logB).stream().filter(e -> e.kind.equals("end")).forEach(e -> heldByB.remove(e.task));

            try (Node a = node("node-a", 10, logA)) {
                awaitCompleted(40, Duration.ofSeconds(120));
            }
            assertFalse(heldByB.isEmpty());
            List<Event> events = Stream.concat(read(logA).stream(), read(logB).stream()).toList();
            Map<String, Long> ends = events.stream().filter(e -> e.kind.equals("end"))
                .collect(Collectors.groupingBy(e -> e.task, Collectors.counting()));
            assertEquals(40, ends.size(), "every task completed a run");
            assertEquals(Set.of(1L), Set.copyOf(ends.values()), "a task ran to completion more than once");
            Map<String, TaskDocument> tasks = completed().stream().collect(Collectors.toMap(TaskDocument::id, Function.identity()));
            for (String id : heldByB) {
                TaskDocument task = tasks.get(id);
                AttemptRecord lost = task.attempts().get(0);
                assertEquals("node-b", lost.node(), id);
                assertEquals(AttemptRecord.Outcome.NODE_LOST, lost.outcome(), id);
                Event rerun = events.stream().filter(e -> e.task.equals(id) && e.kind.equals("start") && e.node.equals("node-a"))
                    .findFirst().orElseThrow();
                // Taken over only once its claim went stale (3 s after its last heartbeat, which came at most a beat
                // before the kill); the ceiling is generous, a correctness bound for a loaded machine, not a timing
                // goal (that is measured by ./sluice bench scheduler).
                long after = rerun.at.toEpochMilli() - killed.toEpochMilli();
                assertTrue(after >= 3_000 - 1_000 - 100, id + " ran again only " + after + " ms after the kill: before it was stale");
                assertTrue(after <= 60_000, id + " ran again " + after + " ms after the kill");
            }
        } finally {
            b.destroyForcibly();
        }
    }

    @Test
    void aBacklogScheduledElsewhereDrainsPageAfterPageWithoutWaitingForTheTimedPoll() throws IOException {
        Path log = logs.resolve("backlog.log");
        // Scheduled by a client with no runner of its own, as by another node: nothing starts them here at once.
        NodeTaskClient elsewhere = new NodeTaskClient(t.store, types(log, "elsewhere"), t.access, Duration.ofSeconds(3),
            Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
        for (int i = 0; i < 40; i++) {
            elsewhere.schedule(ScheduleRequest.of("work").id("queued-" + i).params(Map.of("millis", 1)).build(), ADMIN);
        }
        opensearch.indices().refresh(r -> r.index(t.store.index()));
        // A timed poll only once an hour: the poll at start finds 4 (its capacity); only following the backlog from
        // one finished run to the next page can run the other 36 before the hour is out.
        SchedulerSettings hourly = Node.settings("node-a", 4, Duration.ofHours(1));
        try (Node a = new Node("node-a", t.store, types(log, "node-a"), t.access, hourly)) {
            awaitCompleted(40, Duration.ofSeconds(120));
        }
        Map<String, Long> ends = read(log).stream().filter(e -> e.kind.equals("end"))
            .collect(Collectors.groupingBy(e -> e.task, Collectors.counting()));
        assertEquals(40, ends.size(), "every queued task completed a run");
        assertEquals(Set.of(1L), Set.copyOf(ends.values()), "a task ran to completion more than once");
    }

    @Test
    void aBacklogDrainsWithoutClaimingAgainWhatTheNodeClaimedBeforeOpenSearchRefreshed() throws IOException {
        Path log = logs.resolve("no-reclaims.log");
        NodeTaskClient elsewhere = new NodeTaskClient(t.store, types(log, "elsewhere"), t.access, Duration.ofSeconds(3),
            Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
        int tasks = 200;
        for (int i = 0; i < tasks; i++) {
            elsewhere.schedule(ScheduleRequest.of("work").id("backlog-" + i).params(Map.of("millis", 1)).build(), ADMIN);
        }
        opensearch.indices().refresh(r -> r.index(t.store.index()));
        // Timed polls every 100 ms search from the oldest task, and until the next refresh (a second) they find the
        // tasks this node has just claimed and completed as still queued: those finds must not be claimed again.
        try (Node a = new Node("node-a", t.store, types(log, "node-a"), t.access, Node.settings("node-a", 4, Duration.ofMillis(100)))) {
            awaitCompleted(tasks, Duration.ofSeconds(120));
            assertEquals(0, a.runner.claimsLost(), "claims tried again on tasks this node had claimed");
        }
    }

    @Test
    void aTaskScheduledWhileEverySlotIsBusyStartsWhenOneFreesNotAtTheNextTimedPoll() throws IOException {
        Path log = logs.resolve("queued-here.log");
        // One slot, and a timed poll once an hour: only the node's own queue can start the second task in time.
        SchedulerSettings hourly = Node.settings("node-a", 1, Duration.ofHours(1));
        try (Node a = new Node("node-a", t.store, types(log, "node-a"), t.access, hourly)) {
            a.client.schedule(ScheduleRequest.of("work").id("busy").params(Map.of("millis", 500)).build(), ADMIN);
            a.client.schedule(ScheduleRequest.of("work").id("waiting").params(Map.of("millis", 1)).build(), ADMIN);
            awaitCompleted(2, Duration.ofSeconds(60));
        }
        Event busyEnd = read(log).stream().filter(e -> e.task.equals("busy") && e.kind.equals("end")).findFirst().orElseThrow();
        Event waitingStart = read(log).stream().filter(e -> e.task.equals("waiting") && e.kind.equals("start")).findFirst().orElseThrow();
        assertFalse(waitingStart.at.isBefore(busyEnd.at), "two runs at once on one slot");
    }

    @Test
    void aNodeKilledWithoutAWordHasItsTasksRunAgainWhenItsLeaseLapsesNotWhenTheyTurnStale() throws Exception {
        Path logB = logs.resolve("lease-b.log");
        Path logA = logs.resolve("lease-a.log");
        Process b = nodeProcess("node-b", logB, true);
        try {
            NodeTaskClient scheduler = new NodeTaskClient(t.store, types(logA, "scheduler"), t.access, Duration.ofSeconds(60),
                Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
            for (int i = 0; i < 10; i++) {
                scheduler.schedule(ScheduleRequest.of("work").id("leased-" + i).params(Map.of("millis", 1500)).build(), ADMIN);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> startedOn(logB).size() >= 3);
            Instant killed = Instant.now();
            b.destroyForcibly().waitFor();
            Set<String> heldByB = new java.util.HashSet<>(startedOn(logB));
            read(logB).stream().filter(e -> e.kind.equals("end")).forEach(e -> heldByB.remove(e.task));

            // Runs turn stale only after a minute here: what brings them back sooner is the lease alone.
            try (Node a = new Node("node-a", t.store, types(logA, "node-a"), t.access, Node.leaseSettings("node-a", 10))) {
                awaitCompleted(10, Duration.ofSeconds(50));
            }
            assertFalse(heldByB.isEmpty());
            Map<String, TaskDocument> tasks = completed().stream().collect(Collectors.toMap(TaskDocument::id, Function.identity()));
            for (String id : heldByB) {
                AttemptRecord lost = tasks.get(id).attempts().get(0);
                assertEquals("node-b", lost.node(), id);
                assertEquals(AttemptRecord.Outcome.NODE_LOST, lost.outcome(), id);
                assertTrue(lost.error().message().contains("lease"), id + ": " + lost.error());
                Event rerun = read(logA).stream().filter(e -> e.task.equals(id) && e.kind.equals("start")).findFirst().orElseThrow();
                // A correctness bound, not a timing goal: sooner than staleness (60 s) could have done it.
                long after = rerun.at.toEpochMilli() - killed.toEpochMilli();
                assertTrue(after < 50_000, id + " ran again " + after + " ms after the kill");
            }
        } finally {
            b.destroyForcibly();
        }
    }

    @Test
    void aNodePausedPastItsLeaseThatComesBackDoesNotWriteOverTheNewOwner() throws Exception {
        Path logB = logs.resolve("paused-b.log");
        Path logA = logs.resolve("paused-a.log");
        Process b = nodeProcess("node-b", logB, true);
        try {
            NodeTaskClient scheduler = new NodeTaskClient(t.store, types(logA, "scheduler"), t.access, Duration.ofSeconds(60),
                Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
            scheduler.schedule(ScheduleRequest.of("work").id("paused").params(Map.of("millis", 4000)).build(), ADMIN);
            await().atMost(Duration.ofSeconds(30)).until(() -> startedOn(logB).contains("paused"));
            signal("STOP", b);
            StoredTask done;
            try (Node a = new Node("node-a", t.store, types(logA, "node-a"), t.access, Node.leaseSettings("node-a", 10))) {
                done = await().atMost(Duration.ofSeconds(50)).until(() -> t.store.get("default", "paused").orElseThrow(),
                    task -> task.document().status() == TaskStatus.COMPLETED);
            }
            long renewalsAtResume = leaseRenewals("node-b");
            signal("CONT", b);
            // node-b lives on for longer than its run had left (4 s at most) and its heartbeats (every second) take:
            // whatever it was going to write about the task, it has tried.
            await().atMost(Duration.ofSeconds(60)).until(() -> leaseRenewals("node-b") >= renewalsAtResume + 6);
            StoredTask after = t.store.get("default", "paused").orElseThrow();
            assertEquals(done.version(), after.version(), "the paused node wrote over the new owner: " + after.document());
            assertEquals(TaskStatus.COMPLETED, after.document().status());
            List<AttemptRecord> attempts = after.document().attempts();
            assertEquals("node-b", attempts.get(0).node());
            assertEquals(AttemptRecord.Outcome.NODE_LOST, attempts.get(0).outcome());
            assertEquals("node-a", attempts.get(attempts.size() - 1).node());
        } finally {
            b.destroyForcibly();
        }
    }

    /**
     * A node in a process of its own ({@link NodeProcess}), with the fast test settings or, with {@code lease}, the
     * settings where its lease decides its liveness; returns once it runs.
     */
    private Process nodeProcess(String id, Path log, boolean lease) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), NodeProcess.class.getName(),
            node.httpUri().toString(), t.prefix, id, log.toString()));
        if (lease) {
            command.add("lease");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // the child's start-up chatter
        }
        if (line == null) {
            process.destroyForcibly();
        }
        assertEquals("READY", line, "the node process did not start");
        // Keep draining its output, so a chatty child never blocks on a full pipe.
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain-" + id);
        drain.setDaemon(true);
        drain.start();
        return process;
    }

    private static void signal(String signal, Process process) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor(),
            "kill -" + signal);
    }

    private long leaseRenewals(String node) {
        return t.store.leases().stream().filter(l -> l.node().equals(node)).mapToLong(io.sluice.store.NodeLease::renewals)
            .findFirst().orElse(-1);
    }

    private Node node(String id, int capacity, Path log) {
        return new Node(id, t.store, types(log, id), t.access, Node.settings(id, capacity));
    }

    private static TaskTypes types(Path log, String node) {
        TaskTypes types = new TaskTypes();
        types.register(new LoggedWork(node, log), 1, "test", 1);
        return types;
    }

    private void awaitCompleted(int count, Duration within) {
        TaskQuery done = TaskQuery.all().withTypes(WORK).withStatuses(Set.of(TaskStatus.COMPLETED));
        await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> t.store.count(done) == count);
    }

    private List<TaskDocument> completed() throws IOException {
        opensearch.indices().refresh(r -> r.index(t.store.index()));
        return t.store.search(TaskQuery.all().withTypes(WORK).withStatuses(Set.of(TaskStatus.COMPLETED)), 0, 1000).tasks()
            .stream().map(s -> s.document()).toList();
    }

    private static Set<String> startedOn(Path log) throws IOException {
        return read(log).stream().filter(e -> e.kind.equals("start")).map(e -> e.task).collect(Collectors.toSet());
    }

    /** One line of a run log. */
    private record Event(String kind, String task, String node, int attempt, Instant at) {
    }

    private static List<Event> read(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length == 5) {
                events.add(new Event(f[0], f[1], f[2], Integer.parseInt(f[3]), Instant.ofEpochMilli(Long.parseLong(f[4]))));
            }
        }
        return events;
    }
}

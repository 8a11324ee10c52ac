package io.sluice.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.auth.Caller;
import io.sluice.opensearch.node.EmbeddedOpenSearch;
import io.sluice.scheduler.internal.InProcessScheduler;
import io.sluice.security.internal.ApiKeyConfig;
import io.sluice.security.internal.ConfigValues;
import io.sluice.security.internal.ConfiguredAccessPolicy;
import io.sluice.security.internal.NodeTaskApiKeys;
import io.sluice.store.TaskQuery;
import io.sluice.store.internal.OpenSearchTaskStore;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskStatus;
import io.sluice.task.spi.TaskCancelledException;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpType;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.opensearch.core.IndexResponse;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;

/**
 * Issue 4's figures, each next to a baseline measured in the same run:
 * <ul>
 *   <li>schedule to start on an idle node, against the four raw requests it needs (read, create, read, conditional
 *       write);</li>
 *   <li>completed no-op tasks per second on one node, against raw GET + conditional write cycles (three per task);</li>
 *   <li>the same again once warm, without and then with task API keys (a key minted at each schedule, stored while
 *       the task is written), against the raw requests with a key create sent beside the task's create;</li>
 *   <li>cancel latency on the same node (cancel call to the run seeing its signal), against one raw read + write;</li>
 *   <li>recovery from a dead node with the default timings (stale after 30 s, heartbeat 10 s, lease renewed every
 *       2 s and lapsing after 6 s, poll 500 ms), against the lease's bound: lapse + one refresh (1 s) + one poll.</li>
 * </ul>
 * <pre>./sluice bench scheduler    (-Dwarmup=5 -Dmeasure=10 seconds; -Drecoveries=3; -Dcallers=32;
 *                              -Drounds=10/1,10/500,32/1,32/500,32/500/keys as capacity/batch[/keys])</pre>
 */
public final class SchedulerBenchmark {

    private static final Caller ADMIN = new Caller("bench", Set.of("admin"), "default", Caller.Authentication.PASSWORD);
    private static final ObjectMapper JSON = new ObjectMapper();
    // The scheduler's defaults (etc/io.sluice.scheduler.cfg).
    private static final Duration STALE_AFTER = Duration.ofSeconds(30);
    // The scheduler's default lease lapse (InProcessScheduler.runner uses the defaults).
    private static final Duration LEASE_LAPSE = Duration.ofSeconds(6);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(500);

    private SchedulerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration measure = Measure.seconds("measure", 10);
        int recoveries = Integer.getInteger("recoveries", 3);
        // Threads scheduling at once (and running the raw cycles): each waits for its schedule's answer, so too few of
        // them, not the node, would bound the rate.
        int callers = Integer.getInteger("callers", 32);
        Path home = Files.createTempDirectory("sluice-bench-");
        LongAdder requests = new LongAdder();
        try (EmbeddedOpenSearch node = EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start();
             ApacheHttpClient5Transport transport = Clients.transport(node.httpUri(), requests)) {
            OpenSearchClient client = Clients.client(transport);
            System.out.printf("Sluice scheduler benchmark: OpenSearch %s in this JVM, Java %s, %d cores%n%n", node.version(),
                Runtime.version().feature(), Runtime.getRuntime().availableProcessors());

            OpenSearchTaskStore store = new OpenSearchTaskStore(client, TaskLifecycleBenchmark.prefix(".bench"));
            Probe probe = new Probe();
            ConfiguredAccessPolicy access = new ConfiguredAccessPolicy(TaskLifecycleBenchmark.adminOnly());
            InProcessScheduler scheduler = new InProcessScheduler(store, access, STALE_AFTER, probe);
            TaskClient tasks = scheduler.client();
            InProcessScheduler.Runner runner = scheduler.runner("bench-a", 10, STALE_AFTER, HEARTBEAT, POLL).local();

            // ---- schedule to start, idle node
            System.out.println("Schedule to start, idle node (300 tasks one after another; the first 50 warm up):");
            idleStart(client, store, probe, tasks, "cold", null);
            AtomicInteger ids = new AtomicInteger();

            // ---- throughput: completed no-op tasks per second, one node
            System.out.println();
            Measure.Figures rawCycles = Measure.run("raw: create + conditional index", callers, Duration.ofSeconds(3), measure,
                t -> () -> rawClaimCycle(client, store.index(), "default:cycle-" + ids.incrementAndGet()));
            // With task API keys, as in production: the key is minted at schedule and sealed into the task document,
            // whose writes carry it; a no-op task never opens it, so its document is never stored nor revoked.
            NodeTaskApiKeys keys = new NodeTaskApiKeys(client, access, ConfigValues.of(ApiKeyConfig.class,
                Map.<String, Object>of("encryptionKey", NodeTaskApiKeys.newEncryptionKey(), "indexPrefix", ".bench")::get));
            ObjectNode keyedDoc = doc().put("api_key", keys.mint(ADMIN, "cycle", Duration.ofDays(1))
                .encryptedSecret());
            Measure.Figures rawKeyCycles = Measure.run("raw: create + conditional index, each carrying a sealed key", callers,
                Duration.ofSeconds(3), measure, t -> () -> rawClaimCycle(client, store.index(),
                    "default:cycle-key-" + ids.incrementAndGet(), keyedDoc));
            // Group commit off (bulks of one write, as every write was before it) against on, same run, same node; the
            // last round with task API keys.
            int[][] rounds = rounds(System.getProperty("rounds", "10/1,10/500,32/1,32/500,32/500/keys"));
            int runnerCapacity = 10;
            boolean keysBound = false;
            for (int[] round : rounds) {
                int capacity = round[0];
                int batch = round[1];
                boolean withKeys = round.length > 2;
                Measure.Figures baseline = withKeys ? rawKeyCycles : rawCycles;
                store.groupCommit(batch, 0);
                if (withKeys != keysBound) {
                    scheduler.apiKeys(withKeys ? keys : null);
                    keysBound = withKeys;
                    runner.stop();
                    runner = scheduler.runner("bench-a", capacity, STALE_AFTER, HEARTBEAT, POLL).local();
                    runnerCapacity = capacity;
                } else if (capacity != runnerCapacity) {
                    runner.stop();
                    runner = scheduler.runner("bench-a", capacity, STALE_AFTER, HEARTBEAT, POLL).local();
                    runnerCapacity = capacity;
                }
                long requestsBefore = requests.sum();
                long[] bulksBefore = store.groupCommitFigures();
                // Sized on the raw cycles without keys even for the round with keys, whose raw cycles (four writes in
                // a row) are far slower than Sluice: the round lasts about as long as the others, past its warm-up.
                int count = (int) Math.max(5000, rawCycles.perSecond() * measure.toSeconds());
                String prefix = "through-" + capacity + "-" + batch + (withKeys ? "-keys-" : "-");
                long doneBefore = completed(client, store, TaskQuery.all().withStatuses(Set.of(TaskStatus.COMPLETED)));
                long t0 = System.nanoTime();
                ExecutorService schedulers = Executors.newFixedThreadPool(callers);
                AtomicInteger next = new AtomicInteger();
                Future<?>[] feeders = new Future<?>[callers];
                for (int f = 0; f < callers; f++) {
                    feeders[f] = schedulers.submit(() -> {
                        int n;
                        while ((n = next.getAndIncrement()) < count) {
                            tasks.schedule(ScheduleRequest.of("probe").id(prefix + n).params(Map.of("mode", "noop")).build(), ADMIN);
                        }
                        return null;
                    });
                }
                for (Future<?> feeder : feeders) {
                    feeder.get();
                }
                schedulers.shutdown();
                // Wait until every task of this round is completed in the store (refreshed, so the count is exact).
                TaskQuery done = TaskQuery.all().withStatuses(Set.of(TaskStatus.COMPLETED));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (completed(client, store, done) < doneBefore + count) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the round " + prefix + " did not complete its " + count + " tasks in 5 min");
                    }
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long[] bulksAfter = store.groupCommitFigures();
                long bulks = bulksAfter[0] - bulksBefore[0];
                System.out.printf(Locale.ROOT, "Completed no-op tasks, one node, capacity %d, group commit %s%s, fed by %d threads: %d in "
                        + "%.1f s = %.0f tasks/s, %.1f OpenSearch requests/task (%.1f writes per bulk)   | x%.2f of raw cycles%s (%.0f/s)%n",
                    capacity, batch == 1 ? "off" : "on ", withKeys ? ", task API keys" : "", callers, count, seconds, count / seconds,
                    (requests.sum() - requestsBefore) / (double) count, (bulksAfter[1] - bulksBefore[1]) / (double) Math.max(1, bulks),
                    (count / seconds) / baseline.perSecond(), withKeys ? " with keys" : "", baseline.perSecond());
            }

            // ---- schedule to start, idle node, warm, without and then with task API keys (the same phase: the figures
            // before the throughput rounds come from a JVM still compiling). With keys the key is sealed into the task
            // document; its raw baseline writes documents carrying one.
            System.out.println();
            System.out.println("Schedule to start, idle node, warm (300 tasks one after another; the first 50 warm up):");
            for (boolean withKeys : new boolean[] {false, true}) {
                scheduler.apiKeys(withKeys ? keys : null);
                runner.stop();
                runner = scheduler.runner("bench-a", 10, STALE_AFTER, HEARTBEAT, POLL).local();
                idleStart(client, store, probe, tasks, withKeys ? "keyed" : "warm", withKeys ? keyedDoc : null);
            }

            // ---- cancel latency, same node
            System.out.println();
            Histogram rawWrite = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            Histogram cancelLatency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            for (int i = 0; i < 100; i++) {
                String rawId = "default:cancel-raw-" + i;
                client.index(x -> x.index(store.index()).id(rawId).document(doc()).opType(OpType.Create));
                long t0 = System.nanoTime();
                GetResponse<ObjectNode> read = client.get(g -> g.index(store.index()).id(rawId), ObjectNode.class);
                client.index(x -> x.index(store.index()).id(rawId).document(doc()).ifSeqNo(read.seqNo()).ifPrimaryTerm(read.primaryTerm()));
                record(rawWrite, i, System.nanoTime() - t0);
                String id = "cancel-" + i;
                CountDownLatch started = probe.expect(id);
                tasks.schedule(ScheduleRequest.of("probe").id(id).params(Map.of("mode", "block")).build(), ADMIN);
                started.await(10, TimeUnit.SECONDS);
                CountDownLatch saw = probe.expectCancel(id);
                long asked = System.nanoTime();
                tasks.cancel(id, ADMIN);
                saw.await(10, TimeUnit.SECONDS);
                record(cancelLatency, i, probe.sawCancelAt(id) - asked);
            }
            System.out.println("Cancel latency, same node (100 cancels of running tasks):");
            System.out.println("  " + line("raw: GET + conditional index", rawWrite));
            System.out.println("  " + line("cancel -> the run sees its signal", cancelLatency)
                + String.format(Locale.ROOT, "   | x%.2f p50, x%.2f p99 of raw", ratio(cancelLatency, rawWrite, 50), ratio(cancelLatency, rawWrite, 99)));

            // ---- recovery from a dead node, default timings
            System.out.println();
            System.out.printf("Recovery from a dead node (stale after %d s, heartbeat %d s, lease lapsing after %d s, poll %d ms), "
                + "%d runs:%n", STALE_AFTER.toSeconds(), HEARTBEAT.toSeconds(), LEASE_LAPSE.toSeconds(), POLL.toMillis(), recoveries);
            runner.stop();
            // Without leases the bound was staleAfter + one poll (30.5 s).
            long bound = LEASE_LAPSE.plus(Duration.ofSeconds(1)).plus(POLL).toMillis();
            for (int r = 0; r < recoveries; r++) {
                InProcessScheduler.Runner doomed = scheduler.runner("doomed-" + r, 10, STALE_AFTER, HEARTBEAT, POLL).local();
                String id = "recover-" + r;
                CountDownLatch first = probe.expect(id);
                tasks.schedule(ScheduleRequest.of("probe").id(id).params(Map.of("mode", "block")).build(), ADMIN);
                first.await(10, TimeUnit.SECONDS);
                // Die at a random point of the heartbeat cycle, as real nodes do.
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(HEARTBEAT.toMillis()));
                CountDownLatch again = probe.expect(id);
                probe.finishNextRunOf(id);
                long died = System.nanoTime();
                doomed.halt();
                InProcessScheduler.Runner survivor = scheduler.runner("survivor-" + r, 10, STALE_AFTER, HEARTBEAT, POLL);
                again.await(120, TimeUnit.SECONDS);
                long recovered = (probe.startedAt(id) - died) / 1_000_000;
                System.out.printf(Locale.ROOT, "  run %d: ran again %.1f s after the node died   | x%.2f of lapse + refresh + poll (%.1f s)%n",
                    r + 1, recovered / 1000.0, recovered / (double) bound, bound / 1000.0);
                survivor.stop();
            }
        }
    }

    private static long completed(OpenSearchClient client, OpenSearchTaskStore store, TaskQuery done) throws java.io.IOException {
        client.indices().refresh(r -> r.index(store.index()));
        return store.count(done);
    }

    /** The I/O of schedule + claim done by hand: read, create, read, conditional write. */
    /**
     * The I/O Sluice does for a task scheduled on a node with a free slot and completed there: one create (the task
     * stored already claimed) and one index conditional on the version that create returned (the completion). Sluice
     * reads neither: an explicit id is created first, and a run completes on the version it wrote.
     */
    private static void rawClaimCycle(OpenSearchClient client, String index, String id) throws Exception {
        rawClaimCycle(client, index, id, doc());
    }

    private static void rawClaimCycle(OpenSearchClient client, String index, String id, ObjectNode doc) throws Exception {
        IndexResponse created = client.index(i -> i.index(index).id(id).document(doc).opType(OpType.Create));
        client.index(i -> i.index(index).id(id).document(doc).ifSeqNo(created.seqNo()).ifPrimaryTerm(created.primaryTerm()));
    }

    private static ObjectNode doc() {
        return JSON.createObjectNode().put("status", "in_progress");
    }

    /**
     * 300 schedules one after another on an idle node, each after the raw requests it stands beside: a create and a
     * conditional index, carrying {@code keyedDoc}'s sealed key when not null, as Sluice's task documents do. Prints
     * both.
     */
    private static void idleStart(OpenSearchClient client, OpenSearchTaskStore store, Probe probe, TaskClient tasks, String name,
                                  ObjectNode keyedDoc) throws Exception {
        Histogram raw = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram start = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < 300; i++) {
            String rawId = name + "-raw-" + i;
            long t0 = System.nanoTime();
            rawClaimCycle(client, store.index(), "default:" + rawId, keyedDoc == null ? doc() : keyedDoc);
            record(raw, i, System.nanoTime() - t0);
            String id = "start-" + name + "-" + i;
            CountDownLatch started = probe.expect(id);
            long asked = System.nanoTime();
            tasks.schedule(ScheduleRequest.of("probe").id(id).params(Map.of("mode", "noop")).build(), ADMIN);
            started.await(10, TimeUnit.SECONDS);
            record(start, i, probe.startedAt(id) - asked);
        }
        boolean keyed = keyedDoc != null;
        System.out.println("  " + line(keyed ? "raw: create, conditional index, carrying a sealed key" : "raw: create, conditional index", raw));
        System.out.println("  " + line(keyed ? "TaskClient.schedule -> run starts, with keys" : "TaskClient.schedule -> run starts", start)
            + String.format(Locale.ROOT, "   | x%.2f p50, x%.2f p99 of raw", ratio(start, raw, 50), ratio(start, raw, 99)));
    }

    /** Rounds as {@code capacity/batch[/keys]}, comma-separated: {@code 32/500/keys} is capacity 32, group commit on, with keys. */
    private static int[][] rounds(String spec) {
        return java.util.Arrays.stream(spec.split(",")).map(String::trim).map(round -> {
            String[] parts = round.split("/");
            if (parts.length < 2 || parts.length > 3 || parts.length == 3 && !parts[2].equals("keys")) {
                throw new IllegalArgumentException("-Drounds: '" + round + "' is not capacity/batch or capacity/batch/keys");
            }
            int capacity = Integer.parseInt(parts[0]);
            int batch = Integer.parseInt(parts[1]);
            return parts.length == 3 ? new int[] {capacity, batch, 1} : new int[] {capacity, batch};
        }).toArray(int[][]::new);
    }

    /** Records a sample, except the first 50 (warm-up). */
    private static void record(Histogram histogram, int i, long nanos) {
        if (i >= 50) {
            histogram.recordValue(Math.min(nanos, histogram.getHighestTrackableValue()));
        }
    }

    private static String line(String name, Histogram h) {
        return String.format(Locale.ROOT, "%-42s p50 %7.2f ms  p99 %7.2f ms", name, h.getValueAtPercentile(50) / 1e6,
            h.getValueAtPercentile(99) / 1e6);
    }

    private static double ratio(Histogram a, Histogram b, double percentile) {
        return a.getValueAtPercentile(percentile) / (double) b.getValueAtPercentile(percentile);
    }

    /** The benchmark's task type: does nothing, or blocks until cancelled, and records when it started and stopped. */
    public static final class Probe implements TaskDefinition<Map<String, Object>, Map<String, Object>> {
        private final Map<String, CountDownLatch> starts = new ConcurrentHashMap<>();
        private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
        private final Map<String, CountDownLatch> cancels = new ConcurrentHashMap<>();
        private final Map<String, Long> sawCancelAt = new ConcurrentHashMap<>();
        private final Set<String> finishNext = ConcurrentHashMap.newKeySet();

        CountDownLatch expect(String id) {
            CountDownLatch latch = new CountDownLatch(1);
            starts.put(id, latch);
            return latch;
        }

        CountDownLatch expectCancel(String id) {
            CountDownLatch latch = new CountDownLatch(1);
            cancels.put(id, latch);
            return latch;
        }

        void finishNextRunOf(String id) {
            finishNext.add(id);
        }

        long startedAt(String id) {
            return startedAt.get(id);
        }

        long sawCancelAt(String id) {
            return sawCancelAt.get(id);
        }

        @Override
        public String type() {
            return "probe";
        }

        @Override
        @SuppressWarnings("unchecked")
        public Class<Map<String, Object>> paramsType() {
            return (Class<Map<String, Object>>) (Class<?>) Map.class;
        }

        @Override
        public Map<String, Object> run(TaskContext<Map<String, Object>> context) throws InterruptedException {
            String id = context.taskId();
            startedAt.put(id, System.nanoTime());
            CountDownLatch started = starts.get(id);
            if (started != null) {
                started.countDown();
            }
            if ("block".equals(context.params().get("mode")) && !finishNext.remove(id)) {
                context.cancellation().await(Duration.ofHours(1));
                sawCancelAt.put(id, System.nanoTime());
                CountDownLatch saw = cancels.get(id);
                if (saw != null) {
                    saw.countDown();
                }
                throw new TaskCancelledException(context.cancellation().reason().orElseThrow());
            }
            return Map.of();
        }
    }
}

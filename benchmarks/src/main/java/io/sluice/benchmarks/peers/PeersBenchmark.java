package io.sluice.benchmarks.peers;

import io.sluice.benchmarks.peers.PeerSystem.Liveness;
import io.sluice.benchmarks.peers.ResultTable.Cell;
import io.sluice.opensearch.node.EmbeddedOpenSearch;
import io.sluice.security.internal.NodeTaskApiKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Sluice beside db-scheduler and JobRunr (open-source edition), the same workloads in one run: Sluice on the embedded
 * OpenSearch, the peers on a throwaway PostgreSQL from Debian's package. Every worker is its own JVM ({@link PeerWorker})
 * so that killing one is real and its memory is its own. Runs alternate between systems (the order rotates from one
 * workload to the next) so that machine drift hits all alike.
 * <pre>./sluice bench peers [--quick]</pre>
 */
public final class PeersBenchmark {

    private static final int WORKERS = 32;
    private static final Path OUT = Path.of("target", "bench");
    // Steady arrival is measured in a warm worker: its JIT has compiled the schedule and run paths. After 3 s (about
    // 650 schedules at Sluice's rate) they still ran mostly interpreted or in C1 code, and Sluice's p50 was 25 ms
    // against 3 ms in a warm JVM. -DsteadyWarmup=SECONDS changes it; every system gets the same.
    private static final Duration STEADY_WARMUP = Duration.ofSeconds(Long.getLong("steadyWarmup", 15));

    /**
     * A system as the benchmark starts it: its name, the options that connect its workers to its store, and the CPU
     * time its store has used so far.
     */
    private record Peer(String name, List<String> connection, String version, java.util.function.Supplier<Duration> storeCpu) {
        List<String> options(int workers, Liveness liveness, boolean finishBlocking) {
            List<String> options = new ArrayList<>(connection);
            options.add("--workers=" + workers);
            options.add("--liveness=" + liveness.name().toLowerCase(Locale.ROOT));
            options.add("--finish-blocking=" + finishBlocking);
            return options;
        }
    }

    /** The settings each worker reported, by system and timings, printed with the results. */
    private final Map<String, String> settings = new LinkedHashMap<>();

    private PeersBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        new PeersBenchmark().run(Boolean.getBoolean("quick"));
    }

    private void run(boolean quick) throws Exception {
        // -Dworkloads=drain,steady,cancel,kill (default: all) runs some of them; steady needs drain for its rates.
        List<String> workloads = List.of(System.getProperty("workloads", "drain,steady,cancel,kill").split(","));
        int backlog = quick ? 5_000 : 20_000;
        // Throughput is measured warm, as on a node and a store that have run for a while: JIT compilation took 41% of
        // a fresh Sluice worker's CPU and 34-50% of OpenSearch's through a 25,000-task drain (per-thread CPU in /proc).
        // So each drain's worker first completes `warmup` tasks of its backlog untimed, and a full run first drains one
        // untimed backlog per system, so that its store has served one already. Both are the same for every system.
        int warmup = Integer.getInteger("drainWarmup", quick ? 3_000 : 20_000);
        boolean warmupRound = !quick && warmup > 0;
        int drainRounds = quick ? 1 : 2;
        Duration steady = Duration.ofSeconds(quick ? 10 : 30);
        int cancels = quick ? 5 : 30;
        int kills = quick ? 1 : 3;
        Path home = Files.createTempDirectory("sluice-peers-");
        try (EmbeddedOpenSearch node = EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start();
             Postgres postgres = Postgres.start()) {
            // -Dsystems=Sluice,JobRunr (default: all three) runs some of them, for a quicker look at one.
            String systems = System.getProperty("systems", "");
            List<String> only = List.of((systems.isBlank() ? "Sluice,db-scheduler,JobRunr" : systems).split(","));
            List<Peer> peers = Stream.of(
                // The embedded node runs in this JVM: its CPU time includes this driver's, which during a drain asks
                // for the pending count ten times a second and does nothing else.
                new Peer("Sluice", List.of("--system=sluice", "--opensearch=" + node.httpUri(), "--node-key=" + NodeTaskApiKeys.newEncryptionKey()),
                    "0.1.0 on OpenSearch " + node.version(), () -> cpu(ProcessHandle.current())),
                new Peer("db-scheduler", List.of("--system=db-scheduler", "--jdbc=" + postgres.jdbc("dbscheduler")),
                    DbSchedulerSystem.VERSION + " on PostgreSQL " + postgres.version(), postgres::cpu),
                new Peer("JobRunr", List.of("--system=jobrunr", "--jdbc=" + postgres.jdbc("jobrunr")),
                    JobRunrSystem.VERSION + " on PostgreSQL " + postgres.version(), postgres::cpu))
                .filter(p -> only.contains(p.name())).toList();
            ResultTable table = new ResultTable(peers.stream().map(Peer::name).toList());
            String date = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            table.context("date", date);
            table.context("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + Runtime.version());
            table.context("mode", quick ? "quick" : "full");
            table.context("drain warm-up", String.format(Locale.ROOT, "each drain's worker completes the first %,d tasks of its backlog untimed%s",
                warmup, warmupRound ? "; one untimed drain per system runs before the timed ones" : ""));
            System.out.printf("Peers benchmark (%s): %d cores, Java %s; worker JVMs -Xmx1g, %d worker threads each%n",
                quick ? "quick" : "full", Runtime.getRuntime().availableProcessors(), Runtime.version(), WORKERS);
            for (Peer peer : peers) {
                table.context(peer.name() + " version", peer.version());
                System.out.println("  " + peer.name() + ": " + peer.version());
            }

            // ---- 1. drain a backlog
            Map<String, Cell> drained = new LinkedHashMap<>();
            Map<String, Double> memory = new LinkedHashMap<>();
            if (workloads.contains("drain")) {
                Map<String, List<Drain>> drains = new LinkedHashMap<>();
                if (warmupRound) {
                    for (Peer peer : peers) {
                        Drain untimed = drain(peer, warmup, 0, "drain-warmup-");
                        System.out.printf(Locale.ROOT, "  warm-up drain of %,d (not recorded): %-12s %7.0f tasks/s%n", warmup,
                            peer.name(), untimed.rate());
                    }
                }
                for (int round = 0; round < drainRounds; round++) {
                    for (Peer peer : rotate(peers, round)) {
                        Drain d = drain(peer, backlog, warmup, "drain-" + round + "-");
                        drains.computeIfAbsent(peer.name(), k -> new ArrayList<>()).add(d);
                        memory.merge(peer.name(), d.residentMiB(), Math::max);
                        System.out.printf(Locale.ROOT, "  drain %,d after %,d: %-12s %7.0f tasks/s (whole backlog from the fresh worker's start %.0f/s), "
                            + "worker RSS %.0f MiB, CPU per 1,000 tasks: worker %.2f s, store %.2f s%n", backlog, warmup, peer.name(),
                            d.rate(), d.wholeBacklogRate(), d.residentMiB(), d.workerCpuPerThousand(), d.storeCpuPerThousand());
                    }
                }
                String runs = drainRounds > 1 ? " (mean of " + drainRounds + " runs)" : "";
                table.add(String.format(Locale.ROOT, "drain %,d no-op one-shot tasks, timed after the first %,d of the backlog warmed the worker%s%s",
                    backlog, warmup, warmupRound ? ", store warmed by an untimed drain" : "", runs), "completed tasks/s", true, means(drains, Drain::rate, "%.0f"));
                drained.putAll(means(drains, Drain::rate, "%.0f"));
                table.add(String.format(Locale.ROOT, "drain: the whole backlog of %,d, timed from the fresh worker's start (its system ready)%s",
                    backlog + warmup, runs), "completed tasks/s", true, means(drains, Drain::wholeBacklogRate, "%.0f"));
                // CPU time rather than wall time: what a task costs, whoever else shares the machine's cores.
                table.add("drain (timed part): worker process CPU per 1,000 tasks" + runs, "CPU s", false, means(drains, Drain::workerCpuPerThousand, "%.2f"));
                table.add("drain (timed part): store CPU per 1,000 tasks (OpenSearch's JVM with the driver; PostgreSQL's processes)" + runs,
                    "CPU s", false, means(drains, Drain::storeCpuPerThousand, "%.2f"));
            }

            // ---- 2. steady arrival at half capacity
            if (workloads.contains("steady")) {
                Map<String, Cell> p50 = new LinkedHashMap<>();
                Map<String, Cell> p95 = new LinkedHashMap<>();
                Map<String, Cell> p99 = new LinkedHashMap<>();
                Map<String, Cell> offered = new LinkedHashMap<>();
                for (Peer peer : rotate(peers, 1)) {
                    Cell capacity = drained.get(peer.name());
                    double rate = Math.max(1, capacity == null ? 100 : capacity.value() / 2);
                    Histogram latency = steady(peer, rate, steady);
                    offered.put(peer.name(), Cell.of(rate, "%.0f"));
                    p50.put(peer.name(), Cell.of(latency.getValueAtPercentile(50) / 1e6, "%.1f"));
                    p95.put(peer.name(), Cell.of(latency.getValueAtPercentile(95) / 1e6, "%.1f"));
                    p99.put(peer.name(), Cell.of(latency.getValueAtPercentile(99) / 1e6, "%.1f"));
                    System.out.printf(Locale.ROOT, "  steady %.0f/s for %d s: %-12s schedule->start p50 %.1f ms p95 %.1f ms p99 %.1f ms%n",
                        rate, steady.toSeconds(), peer.name(), latency.getValueAtPercentile(50) / 1e6,
                        latency.getValueAtPercentile(95) / 1e6, latency.getValueAtPercentile(99) / 1e6);
                }
                table.add("steady arrival: rate offered (half the drain rate), " + steady.toSeconds() + " s after " + STEADY_WARMUP.toSeconds() + " s of warm-up", "tasks/s", true, offered);
                table.add("steady arrival: schedule -> start p50", "ms", false, p50);
                table.add("steady arrival: schedule -> start p95", "ms", false, p95);
                table.add("steady arrival: schedule -> start p99", "ms", false, p99);
            }

            // ---- 3. cancel a running task
            if (workloads.contains("cancel")) {
                Map<String, Cell> cancel50 = new LinkedHashMap<>();
                Map<String, Cell> cancel99 = new LinkedHashMap<>();
                for (Peer peer : rotate(peers, 2)) {
                    Cell[] cells = cancel(peer, cancels);
                    cancel50.put(peer.name(), cells[0]);
                    cancel99.put(peer.name(), cells[1]);
                    System.out.printf("  cancel x%d: %-12s p50 %s, p99 %s%n", cancels, peer.name(), cells[0].text(), cells[1].text());
                }
                table.add("cancel a running task -> the run sees it, p50 (" + cancels + " cancels)", "ms", false, cancel50);
                table.add("cancel a running task -> the run sees it, p99", "ms", false, cancel99);
            }

            // ---- 4. kill a worker
            if (workloads.contains("kill")) {
                for (Liveness liveness : Liveness.values()) {
                    Map<String, Cell> recovered = new LinkedHashMap<>();
                    for (Peer peer : rotate(peers, 3 + liveness.ordinal())) {
                        Cell cell = kill(peer, liveness, kills);
                        recovered.put(peer.name(), cell);
                        System.out.printf("  kill -9 (%s timings): %-12s %s%n", liveness.name().toLowerCase(Locale.ROOT), peer.name(), cell.text());
                    }
                    table.add("worker killed (SIGKILL) -> its task runs again elsewhere, " + liveness.name().toLowerCase(Locale.ROOT)
                        + " timings" + (kills > 1 ? " (worst of " + kills + ")" : ""), "s", false, recovered);
                }
            }

            // ---- 5. memory
            if (!memory.isEmpty()) {
                Map<String, Cell> rss = new LinkedHashMap<>();
                memory.forEach((name, mib) -> rss.put(name, Cell.of(mib, "%.0f")));
                table.add("worker process resident memory after the drain (its store not included)", "MiB", false, rss);
            }

            System.out.println();
            System.out.println("Settings (as each worker reported them):");
            settings.forEach((name, text) -> {
                System.out.println("  " + name + ": " + text);
                table.context(name + " settings", text);
            });
            System.out.println();
            System.out.print(table.render());
            String file = "peers-" + (quick ? "quick-" : "") + date.replace(":", "");
            table.write(OUT, file);
            System.out.println();
            System.out.println("Written: " + OUT.resolve(file + ".json") + " and " + OUT.resolve(file + ".png"));
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }


    private WorkerProcess worker(Peer peer, String role, int workers, Liveness liveness, boolean finishBlocking)
        throws Exception {
        WorkerProcess worker = WorkerProcess.start(peer.name() + "-" + role, peer.options(workers, liveness, finishBlocking), OUT);
        if (workers > 0) {
            settings.putIfAbsent(peer.name() + " (" + liveness.name().toLowerCase(Locale.ROOT) + " timings)", worker.settings());
        }
        return worker;
    }

    /** Per system, the mean of one figure over its drains. */
    private static Map<String, Cell> means(Map<String, List<Drain>> runs, ToDoubleFunction<Drain> figure, String format) {
        Map<String, Cell> cells = new LinkedHashMap<>();
        runs.forEach((name, list) -> cells.put(name, Cell.of(list.stream().mapToDouble(figure).average().orElse(0), format)));
        return cells;
    }

    /**
     * What one drain measured.
     *
     * @param rate completed tasks/s over the timed part
     * @param residentMiB the worker's resident memory at the end
     * @param workerCpuPerThousand the worker process's CPU seconds per 1,000 timed tasks
     * @param storeCpuPerThousand the store's CPU seconds per 1,000 timed tasks
     * @param wholeBacklogRate completed tasks/s over the whole backlog, from the worker's start
     */
    private record Drain(double rate, double residentMiB, double workerCpuPerThousand, double storeCpuPerThousand,
                         double wholeBacklogRate) {
    }

    /** CPU time a process has used (user and system), as the operating system counts it. */
    static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration()
            .orElseThrow(() -> new IllegalStateException("the CPU time of process " + process.pid() + " cannot be read here"));
    }

    private static List<Peer> rotate(List<Peer> peers, int by) {
        List<Peer> rotated = new ArrayList<>(peers);
        java.util.Collections.rotate(rotated, -by);
        return rotated;
    }

    /**
     * Schedules a backlog of {@code warmup + backlog} tasks with no worker running, then starts one. Once it has
     * completed the first {@code warmup} (its JVM compiled the hot paths meanwhile) it is timed until nothing is pending;
     * the whole backlog is timed too, from the moment the fresh worker reported its system started. The timed part
     * counts the tasks pending when its clock started, which polls 100 ms apart put a little below {@code backlog}.
     */
    private Drain drain(Peer peer, int backlog, int warmup, String prefix) throws Exception {
        try (WorkerProcess feeder = worker(peer, "feeder", 0, Liveness.DEFAULT, false)) {
            feeder.ask("schedule " + prefix + " " + (warmup + backlog), Duration.ofMinutes(30));
        }
        try (WorkerProcess worker = worker(peer, "drain", WORKERS, Liveness.DEFAULT, false)) {
            ProcessHandle process = ProcessHandle.of(worker.pid()).orElseThrow();
            long start = System.nanoTime();
            long until = start + TimeUnit.MINUTES.toNanos(15);
            long timed = awaitPending(worker, peer, backlog, until);
            Duration workerCpu0 = cpu(process);
            Duration storeCpu0 = peer.storeCpu().get();
            long t0 = System.nanoTime();
            awaitPending(worker, peer, 0, until);
            long t1 = System.nanoTime();
            double perThousand = 1000.0 / timed / 1e9;
            double workerCpu = cpu(process).minus(workerCpu0).toNanos() * perThousand;
            double storeCpu = peer.storeCpu().get().minus(storeCpu0).toNanos() * perThousand;
            return new Drain(timed / ((t1 - t0) / 1e9), worker.residentMiB(), workerCpu, storeCpu,
                (warmup + backlog) / ((t1 - start) / 1e9));
        }
    }

    /**
     * Asks the worker ten times a second until at most {@code left} tasks are scheduled or running.
     *
     * @return the count that was at most {@code left}
     */
    private static long awaitPending(WorkerProcess worker, Peer peer, long left, long untilNanos) throws Exception {
        long pending;
        while ((pending = Long.parseLong(worker.ask("pending", Duration.ofMinutes(1)))) > left) {
            if (System.nanoTime() > untilNanos) {
                throw new IllegalStateException(peer.name() + " did not drain its backlog in 15 minutes");
            }
            Thread.sleep(100);
        }
        return pending;
    }

    /** Open-loop arrivals at {@code rate}; latency from each task's intended arrival time to its start. */
    private Histogram steady(Peer peer, double rate, Duration length) throws Exception {
        Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
        try (WorkerProcess worker = worker(peer, "steady", WORKERS, Liveness.DEFAULT, false)) {
            long interval = (long) (1e9 / rate);
            // The first seconds warm the fresh worker JVM up and are not recorded.
            int warm = (int) (rate * STEADY_WARMUP.toSeconds());
            int count = warm + (int) (rate * length.toSeconds());
            String prefix = "steady-" + peer.name() + "-";
            long[] intended = new long[count];
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            for (int i = 0; i < count; i++) {
                intended[i] = start + i * interval;
                long wait;
                while ((wait = intended[i] - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                worker.send("enqueue " + prefix + i);
            }
            for (int i = 0; i < count; i++) {
                Long started = worker.awaitStart(prefix + i, Duration.ofSeconds(60));
                if (i < warm) {
                    continue;
                }
                // A task that did not start within a minute counts as a minute: it is not dropped from the figure.
                latency.recordValue(Math.min(latency.getHighestTrackableValue(),
                    started == null ? TimeUnit.MINUTES.toNanos(1) : Math.max(0, started - intended[i])));
            }
        }
        return latency;
    }

    /** Cancels running tasks one after another; p50 and p99 from the cancel call to the run seeing it. */
    private Cell[] cancel(Peer peer, int cancels) throws Exception {
        Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
        try (WorkerProcess worker = worker(peer, "cancel", WORKERS, Liveness.DEFAULT, false)) {
            for (int i = 0; i < cancels; i++) {
                String id = "block-cancel-" + peer.name() + "-" + i;
                worker.send("enqueue " + id);
                if (worker.awaitStart(id, Duration.ofSeconds(60)) == null) {
                    throw new IllegalStateException(peer.name() + ": task " + id + " did not start within 60 s");
                }
                long asked = System.nanoTime();
                if (worker.ask("cancel " + id, Duration.ofSeconds(30)).equals("unsupported")) {
                    Cell none = Cell.none("not supported by this system (a running execution cannot be cancelled)");
                    return new Cell[] {none, none};
                }
                Long saw = worker.awaitCancel(id, Duration.ofSeconds(60));
                if (saw == null) {
                    Cell none = Cell.none("cancelled, but the run did not see it within 60 s");
                    return new Cell[] {none, none};
                }
                latency.recordValue(Math.max(0, saw - asked));
            }
        }
        return new Cell[] {Cell.of(latency.getValueAtPercentile(50) / 1e6, "%.1f"),
            Cell.of(latency.getValueAtPercentile(99) / 1e6, "%.1f")};
    }

    /** Kills a worker running a task; seconds until another, already running, worker starts that task again. */
    private Cell kill(Peer peer, Liveness liveness, int kills) throws Exception {
        String skip = "db-scheduler".equals(peer.name()) ? DbSchedulerSystem.unmeasuredRecovery(liveness) : null;
        if (skip != null) {
            return Cell.none(skip);
        }
        Duration patience = Duration.ofMinutes(3);
        double worst = 0;
        for (int r = 0; r < kills; r++) {
            String id = "block-kill-" + peer.name() + "-" + liveness.name().toLowerCase(Locale.ROOT) + "-" + r;
            try (WorkerProcess doomed = worker(peer, "doomed", WORKERS, liveness, false)) {
                doomed.send("enqueue " + id);
                if (doomed.awaitStart(id, Duration.ofSeconds(60)) == null) {
                    throw new IllegalStateException(peer.name() + ": task " + id + " did not start within 60 s");
                }
                try (WorkerProcess survivor = worker(peer, "survivor", WORKERS, liveness, true)) {
                    doomed.kill();
                    long died = System.nanoTime();
                    Long again = survivor.awaitStart(id, patience);
                    if (again == null) {
                        return Cell.none("not run again within " + patience.toMinutes() + " min");
                    }
                    worst = Math.max(worst, (again - died) / 1e9);
                }
            }
        }
        return Cell.of(worst, "%.1f");
    }
}

package io.sluice.benchmarks.peers;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker process of the peers benchmark: one task system, started as its documentation says, driven over stdin and
 * reporting on stdout. Lines it answers to:
 * <pre>
 *   schedule PREFIX COUNT   schedule PREFIX0 .. PREFIX(COUNT-1) from 64 threads; answers "R COUNT"
 *   enqueue ID              schedule one task now, without an answer (steady arrival)
 *   cancel ID               answers "R ok" or "R unsupported"
 *   pending                 answers "R N": tasks scheduled or running, not finished
 *   quit                    stops the system and exits
 * </pre>
 * Every line it writes starts with {@code @@ }, so a library that prints to stdout cannot confuse the benchmark.
 * Options: {@code --system=sluice|db-scheduler|jobrunr --workers=N --liveness=default|fastest --finish-blocking=true}
 * and the system's connection ({@code --opensearch=URI --node-key=BASE64}, {@code --jdbc=URL}).
 */
public final class PeerWorker {

    // Threads that schedule: enough that a system whose schedule call waits for its store (Sluice's waits for two
    // writes: the task API key, then the task) still gets every arrival at its time; 8 throttled Sluice's steady rate.
    private static final int SENDERS = 64;

    private PeerWorker() {
    }

    static void say(PrintStream out, String line) {
        synchronized (out) {
            out.println("@@ " + line);
            out.flush();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        PrintStream out = System.out;
        int workers = Integer.parseInt(options.getOrDefault("workers", "0"));
        PeerSystem.Liveness liveness = PeerSystem.Liveness.valueOf(options.getOrDefault("liveness", "default").toUpperCase());
        Runs runs = new Runs(out, Boolean.parseBoolean(options.getOrDefault("finish-blocking", "false")));
        String name = options.get("system");
        PeerSystem system = switch (name) {
            case "sluice" -> new SluiceSystem(options.get("opensearch"), options.get("node-key"), runs);
            case "db-scheduler" -> new DbSchedulerSystem(options.get("jdbc"), runs);
            case "jobrunr" -> new JobRunrSystem(options.get("jdbc"), runs);
            default -> throw new IllegalArgumentException("unknown system " + name);
        };
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            system.start(workers, liveness);
            say(out, "READY " + ProcessHandle.current().pid() + " " + system.settings(workers, liveness));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                String[] words = line.split(" ");
                try {
                    switch (words[0]) {
                        case "schedule" -> say(out, "R " + scheduleMany(system, senders, words[1], Integer.parseInt(words[2])));
                        case "enqueue" -> senders.execute(() -> {
                            try {
                                system.schedule(words[1]);
                            } catch (Exception e) {
                                say(out, "E schedule " + words[1] + ": " + e);
                            }
                        });
                        case "cancel" -> say(out, "R " + (system.cancel(words[1]) ? "ok" : "unsupported"));
                        case "pending" -> say(out, "R " + system.pending());
                        default -> say(out, "R error: unknown command " + words[0]);
                    }
                } catch (Exception e) {
                    say(out, "R error: " + e.toString().replace('\n', ' '));
                }
            }
        } finally {
            senders.shutdownNow();
            system.close();
        }
        System.exit(0);
    }

    private static int scheduleMany(PeerSystem system, ExecutorService senders, String prefix, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        java.util.List<java.util.concurrent.Future<?>> feeders = new java.util.ArrayList<>();
        for (int f = 0; f < SENDERS; f++) {
            feeders.add(senders.submit(() -> {
                int n;
                while ((n = next.getAndIncrement()) < count) {
                    system.schedule(prefix + n);
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> feeder : feeders) {
            feeder.get(30, TimeUnit.MINUTES);
        }
        return count;
    }
}

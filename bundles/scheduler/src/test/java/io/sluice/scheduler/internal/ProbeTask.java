package io.sluice.scheduler.internal;

import io.sluice.task.spi.CancellationReason;
import io.sluice.task.spi.TaskCancelledException;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.spi.TaskFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A task type whose behaviour the test chooses through params, and which records what happened to each run: when it
 * started, on which node and attempt, when it saw its cancellation, how it ended.
 */
final class ProbeTask implements TaskDefinition<ProbeTask.Params, Map<String, Object>> {

    /**
     * @param millis how long to work
     * @param behaviour "work" (default), "fail" (unexpected error), "expected" (TaskFailure), "ignore-cancel",
     *     "block" (wait for the cancellation signal), "clients" (open its scoped clients, as a task acting for its user)
     * @param succeedOnAttempt for "fail": the attempt that succeeds, or null for none
     */
    record Params(Integer millis, String behaviour, Integer succeedOnAttempt) {
        Params {
            millis = millis == null ? 0 : millis;
            behaviour = behaviour == null ? "work" : behaviour;
        }
    }

    /** What one run did. */
    record RunRecord(String taskId, String node, int attempt, Instant started, Instant sawCancel,
                     CancellationReason reason, String ended) {
    }

    final List<RunRecord> runs = new CopyOnWriteArrayList<>();
    final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
    private final String type;
    private final String node;
    private final Duration timeout;
    private final int maxAttempts;

    ProbeTask(String type, String node, Duration timeout, int maxAttempts) {
        this.type = type;
        this.node = node;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
    }

    /** A latch that opens when a run of the task starts. */
    CountDownLatch startOf(String taskId) {
        return started.computeIfAbsent(taskId, id -> new CountDownLatch(1));
    }

    List<RunRecord> runsOf(String taskId) {
        return runs.stream().filter(r -> r.taskId().equals(taskId)).toList();
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public Map<String, Object> run(TaskContext<Params> context) throws Exception {
        Instant start = Instant.now();
        startOf(context.taskId()).countDown();
        Params p = context.params();
        Instant sawCancel = null;
        String ended = "completed";
        try {
            switch (p.behaviour()) {
                case "fail":
                    if (p.succeedOnAttempt() == null || context.attempt() < p.succeedOnAttempt()) {
                        ended = "failed";
                        throw new IllegalStateException("probe failure on attempt " + context.attempt());
                    }
                    break;
                case "expected":
                    ended = "failed";
                    throw new TaskFailure("probe_expected", "expected failure");
                case "ignore-cancel":
                    long until = System.nanoTime() + Duration.ofMillis(p.millis()).toNanos();
                    while (System.nanoTime() < until) {
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            if (sawCancel == null) {
                                sawCancel = Instant.now();
                            }
                        }
                    }
                    break;
                case "clients":
                    context.scopedClients(); // acts on its user's behalf: opens the task's key
                    break;
                case "block":
                    if (context.cancellation().await(Duration.ofMillis(p.millis()))) {
                        sawCancel = Instant.now();
                        ended = "canceled";
                        throw new TaskCancelledException(context.cancellation().reason().orElseThrow());
                    }
                    break;
                default:
                    for (int step = 1; step <= 4; step++) {
                        if (context.cancellation().await(Duration.ofMillis(p.millis() / 4))) {
                            sawCancel = Instant.now();
                            ended = "canceled";
                            throw new TaskCancelledException(context.cancellation().reason().orElseThrow());
                        }
                        context.progress(Map.of("step", step));
                    }
            }
            return Map.of("node", node, "attempt", context.attempt());
        } finally {
            runs.add(new RunRecord(context.taskId(), node, context.attempt(), start, sawCancel,
                context.cancellation().reason().orElse(null), ended));
        }
    }
}

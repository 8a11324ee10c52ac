package io.sluice.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Runs an operation from several threads for a while and reports throughput and latency percentiles. A warm-up runs
 * first and is not recorded. Latencies go into HdrHistogram, one per thread, merged at the end.
 */
public final class Measure {

    /** One operation; each thread makes its own (state per thread, no sharing). */
    @FunctionalInterface
    public interface Operation {
        void run() throws Exception;
    }

    /**
     * What a run measured.
     *
     * @param name what was measured
     * @param threads how many threads ran it
     * @param operations operations completed while recording
     * @param seconds recording time
     * @param latencies per-operation latency, nanoseconds
     */
    public record Figures(String name, int threads, long operations, double seconds, Histogram latencies) {
        public double perSecond() {
            return operations / seconds;
        }

        public double p50Millis() {
            return latencies.getValueAtPercentile(50) / 1e6;
        }

        public double p99Millis() {
            return latencies.getValueAtPercentile(99) / 1e6;
        }

        public String line() {
            return String.format(Locale.ROOT, "%-34s %3d threads %9.0f ops/s  p50 %7.2f ms  p99 %7.2f ms",
                name, threads, perSecond(), p50Millis(), p99Millis());
        }

        /** This run against a baseline measured the same way in the same process. */
        public String against(Figures baseline) {
            return String.format(Locale.ROOT, "%s   | x%.2f throughput, x%.2f p99 of %s",
                line(), perSecond() / baseline.perSecond(), p99Millis() / baseline.p99Millis(), baseline.name());
        }
    }

    private Measure() {
    }

    /** Runs {@code operations.apply(threadIndex)} in {@code threads} threads: warm-up, then measure. */
    public static Figures run(String name, int threads, Duration warmup, Duration measure, IntFunction<Operation> operations)
        throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long warmupEnds = System.nanoTime() + warmup.toNanos();
            long measureEnds = warmupEnds + measure.toNanos();
            CountDownLatch ready = new CountDownLatch(threads);
            List<Future<Histogram>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Operation operation = operations.apply(t);
                results.add(pool.submit(() -> {
                    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                    ready.countDown();
                    ready.await();
                    long now;
                    while ((now = System.nanoTime()) < measureEnds) {
                        operation.run();
                        long took = System.nanoTime() - now;
                        if (now >= warmupEnds) {
                            histogram.recordValue(Math.min(took, histogram.getHighestTrackableValue()));
                        }
                    }
                    return histogram;
                }));
            }
            Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (Future<Histogram> result : results) {
                all.add(result.get());
            }
            return new Figures(name, threads, all.getTotalCount(), measure.toNanos() / 1e9, all);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A duration from a system property in seconds, for short smoke runs and long careful ones. */
    public static Duration seconds(String property, int defaultSeconds) {
        return Duration.ofSeconds(Long.getLong(property, defaultSeconds));
    }
}

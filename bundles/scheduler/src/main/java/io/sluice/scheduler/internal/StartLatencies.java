package io.sluice.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Schedule-to-start delays of the runs this node started in the last minutes, for {@code task:health}. A bounded
 * window: old or surplus samples are dropped as new ones come.
 */
final class StartLatencies {

    private static final int MAX_SAMPLES = 10_000;

    private final Duration window;
    private final Deque<long[]> samples = new ArrayDeque<>();

    StartLatencies(Duration window) {
        this.window = window;
    }

    synchronized void record(Instant at, Duration latency) {
        samples.addLast(new long[] {at.toEpochMilli(), Math.max(0, latency.toMillis())});
        if (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /** The percentile, in ms, of the samples within the window; -1 if there are none. */
    synchronized long percentile(Instant now, double percentile) {
        long cutoff = now.minus(window).toEpochMilli();
        while (!samples.isEmpty() && samples.peekFirst()[0] < cutoff) {
            samples.removeFirst();
        }
        if (samples.isEmpty()) {
            return -1;
        }
        long[] sorted = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }
}

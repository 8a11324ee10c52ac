package io.sluice.benchmarks.peers;

import java.io.PrintStream;

/**
 * The body every system runs, and the events a worker reports about it: {@code S id nanos} when a run starts,
 * {@code C id nanos} when a run sees its cancellation. Times are {@link System#nanoTime()}, which on Linux is the
 * machine's monotonic clock, so the benchmark process can compare them with its own.
 */
final class Runs {

    private final PrintStream out;
    private final boolean finishBlocking;

    /**
     * @param finishBlocking true for the worker that takes over from a killed one: {@code block-} tasks end at once
     */
    Runs(PrintStream out, boolean finishBlocking) {
        this.out = out;
        this.finishBlocking = finishBlocking;
    }

    /** Reports a started run; true when the run must block until it is cancelled (or its worker dies). */
    boolean started(String id) {
        PeerWorker.say(out, "S " + id + " " + System.nanoTime());
        return id.startsWith("block-") && !finishBlocking;
    }

    /** Reports that a run saw its cancellation. */
    void sawCancel(String id) {
        PeerWorker.say(out, "C " + id + " " + System.nanoTime());
    }
}

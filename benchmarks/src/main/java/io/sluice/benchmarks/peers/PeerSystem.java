package io.sluice.benchmarks.peers;

/**
 * One task system as a worker process drives it: Sluice, db-scheduler or JobRunr. Everything system-specific of the
 * peers benchmark lives behind this interface, in the worker process; the benchmark itself only speaks the worker's
 * line protocol ({@link PeerWorker}).
 */
interface PeerSystem extends AutoCloseable {

    /** Starts the system: with {@code workers == 0} as a client only (it schedules, runs nothing). */
    void start(int workers, Liveness liveness) throws Exception;

    /** The settings it runs with, printed beside the results. */
    String settings(int workers, Liveness liveness);

    /** Schedules one no-op task (or, for ids starting with {@code block-}, one that runs until cancelled) to run now. */
    void schedule(String id) throws Exception;

    /**
     * Asks a running task to stop.
     *
     * @return false when the system cannot cancel a running task at all
     */
    boolean cancel(String id) throws Exception;

    /** Tasks in this system's store that are scheduled or running: not yet finished, one way or another. */
    long pending() throws Exception;

    /** Which timings find a dead worker: the system's defaults, or the fastest its documentation allows. */
    enum Liveness { DEFAULT, FASTEST }
}

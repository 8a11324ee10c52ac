package io.sluice.scheduler.internal;

import io.sluice.store.TaskStore;
import java.time.Clock;
import java.time.Duration;

/** One scheduler node in a test: its client and its runner, sharing the store (and so the work) with other nodes. */
final class Node implements AutoCloseable {

    final String id;
    final NodeTaskClient client;
    final TaskRunner runner;

    Node(String id, TaskStore store, TaskTypes types, io.sluice.security.AccessPolicy access, SchedulerSettings settings) {
        this(id, store, types, access, settings, Clock.systemUTC());
    }

    /** A node whose wall clock is {@code clock} (one set ahead or behind, as a machine's may be). */
    Node(String id, TaskStore store, TaskTypes types, io.sluice.security.AccessPolicy access, SchedulerSettings settings,
         Clock clock) {
        this(id, store, types, access, settings, clock, RunCredentials.NONE, new TaskMetrics());
    }

    /** A node whose runs get their clients (and keys revoked) through {@code credentials}, counted in {@code metrics}. */
    Node(String id, TaskStore store, TaskTypes types, io.sluice.security.AccessPolicy access, SchedulerSettings settings,
         Clock clock, RunCredentials credentials, TaskMetrics metrics) {
        this.id = id;
        this.client = new NodeTaskClient(store, types, access, settings.staleAfter(), clock, TaskLifecycle.BeforeWrite.NONE);
        this.runner = new TaskRunner(store, types, settings, clock,
            new TaskLifecycle(store, new TaskTransitions(new Staleness(settings.staleAfter())), clock,
                TaskLifecycle.BeforeWrite.NONE),
            credentials, metrics);
        client.bindLocalRuns(runner);
    }

    /** Fast settings for tests: stale after 3 s, a beat every second, a poll every 100 ms, half a second of grace. */
    static SchedulerSettings settings(String id, int capacity) {
        return settings(id, capacity, Duration.ofMillis(100));
    }

    /** The fast settings with another poll interval. */
    static SchedulerSettings settings(String id, int capacity, Duration poll) {
        // The lease lapses after staleness: tests of staleness see staleness decide.
        return new SchedulerSettings(id, capacity, Duration.ofSeconds(3), Duration.ofSeconds(1), poll,
            Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofDays(7), 10L * 1024 * 1024,
            Duration.ofSeconds(1), Duration.ofSeconds(6));
    }

    /**
     * Settings where the lease decides: a node's runs turn stale only after a minute, its lease lapses after 3 s of
     * silence (renewed every second).
     */
    static SchedulerSettings leaseSettings(String id, int capacity) {
        return new SchedulerSettings(id, capacity, Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofDays(7), 10L * 1024 * 1024,
            Duration.ofSeconds(1), Duration.ofSeconds(3));
    }

    @Override
    public void close() {
        runner.stop();
    }
}

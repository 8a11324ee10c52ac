package io.sluice.scheduler.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.security.AccessPolicy;
import io.sluice.security.TaskApiKeys;
import io.sluice.store.TaskStore;
import io.sluice.task.TaskClient;
import io.sluice.task.spi.TaskDefinition;
import java.time.Clock;
import java.time.Duration;

/**
 * The scheduler assembled by hand in a plain JVM, for tools that drive it without OSGi (the benchmarks): a task client
 * on a store, and runners (nodes) started and stopped at will. Public only for them; the package is not exported, so
 * no bundle can use it.
 */
public final class InProcessScheduler {

    private final TaskStore store;
    private final TaskTypes types = new TaskTypes();
    private final NodeTaskClient client;
    private volatile TaskApiKeys apiKeys;

    /** A client on the store, with the given task types and access policy. */
    public InProcessScheduler(TaskStore store, AccessPolicy access, Duration staleAfter, TaskDefinition<?, ?>... definitions) {
        this.store = store;
        long serviceId = 1;
        for (TaskDefinition<?, ?> definition : definitions) {
            types.register(definition, serviceId++, "in-process", 0);
        }
        this.client = new NodeTaskClient(store, types, access, staleAfter, Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
    }

    /**
     * Schedules mint a task API key and the ends of runs that may have stored it revoke it, as on a node with the key
     * service: for runners started from now on.
     */
    public InProcessScheduler apiKeys(TaskApiKeys keys) {
        apiKeys = keys;
        client.bindApiKeys(keys);
        return this;
    }

    /** The task client, as the HTTP routes and the console use it. */
    public TaskClient client() {
        return client;
    }

    /**
     * Starts a node's runner: it claims and runs tasks of the known types, beats, reaps. Other settings are the
     * defaults of {@link SchedulerConfig}.
     */
    public Runner runner(String nodeId, int capacity, Duration staleAfter, Duration heartbeat, Duration poll) {
        return runner(nodeId, capacity, staleAfter, heartbeat, poll, Duration.ofSeconds(2), Duration.ofSeconds(6));
    }

    /** {@link #runner(String, int, Duration, Duration, Duration)} with the node lease's renewal and lapse times. */
    public Runner runner(String nodeId, int capacity, Duration staleAfter, Duration heartbeat, Duration poll,
                         Duration leaseRenewal, Duration leaseLapse) {
        SchedulerSettings settings = new SchedulerSettings(nodeId, capacity, staleAfter, heartbeat, poll, Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofDays(7), 10L * 1024 * 1024, leaseRenewal, leaseLapse);
        TaskMetrics metrics = new TaskMetrics();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        metrics.publishTo(meters);
        TaskRunner runner = new TaskRunner(store, types, settings, Clock.systemUTC(),
            new TaskLifecycle(store, new TaskTransitions(new Staleness(staleAfter)), Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE),
            apiKeys == null ? RunCredentials.NONE : new RunCredentials(() -> apiKeys, () -> null), metrics);
        return new Runner(runner, meters);
    }

    /** A running node. */
    public final class Runner {
        private final TaskRunner runner;
        private final MeterRegistry meters;

        private Runner(TaskRunner runner, MeterRegistry meters) {
            this.runner = runner;
            this.meters = meters;
        }

        /**
         * Attempts this node ended as completed, counted once OpenSearch acknowledged their end (its node metric
         * {@code sluice.tasks.completed}, all types).
         */
        public long completed() {
            return (long) meters.find("sluice.tasks.completed").counters().stream().mapToDouble(Counter::count).sum();
        }

        /** Makes this the client's own node: a schedule with a free slot here starts at once, here. */
        public Runner local() {
            client.bindLocalRuns(runner);
            return this;
        }

        /** Stops politely: runs are released for other nodes. */
        public void stop() {
            client.unbindLocalRuns(runner);
            runner.stop();
        }

        /** Claims this node attempted and lost (another writer came first, or the search that found the task was behind). */
        public long claimsLost() {
            return runner.claimsLost();
        }

        /** Stops as a crashed process would: nothing written, claims left to go stale. */
        public void halt() {
            client.unbindLocalRuns(runner);
            runner.halt();
        }
    }
}

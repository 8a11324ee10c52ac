package io.sluice.benchmarks.peers;

import io.sluice.auth.Caller;
import io.sluice.benchmarks.Clients;
import io.sluice.benchmarks.TaskLifecycleBenchmark;
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
import io.sluice.task.spi.CancellationReason;
import io.sluice.task.spi.TaskCancelledException;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;

/** Sluice's scheduler and store, assembled in a plain JVM as the node assembles them, on the benchmark's OpenSearch. */
final class SluiceSystem implements PeerSystem {

    private static final Caller ADMIN = new Caller("bench", Set.of("admin"), "default", Caller.Authentication.PASSWORD);

    private final ApacheHttpClient5Transport transport;
    private final OpenSearchClient client;
    private final OpenSearchTaskStore store;
    private final Runs runs;
    private final NodeTaskApiKeys keys;
    private InProcessScheduler scheduler;
    private TaskClient tasks;
    private InProcessScheduler.Runner runner;
    // pending(): the last count made in OpenSearch, and this worker's completed runs at the time
    private long countedPending;
    private long completedWhenCounted;

    /** @param nodeKey the task API keys' encryption key, the same for every worker process of a run (as for nodes) */
    SluiceSystem(String opensearch, String nodeKey, Runs runs) {
        this.transport = Clients.transport(URI.create(opensearch));
        this.client = Clients.client(transport);
        this.store = new OpenSearchTaskStore(client, TaskLifecycleBenchmark.prefix(".peers"));
        this.runs = runs;
        this.keys = new NodeTaskApiKeys(client, new ConfiguredAccessPolicy(TaskLifecycleBenchmark.adminOnly()),
            ConfigValues.of(ApiKeyConfig.class, Map.<String, Object>of("encryptionKey", nodeKey, "indexPrefix", ".peers")::get));
    }

    private static Duration staleAfter(Liveness liveness) {
        // Defaults of etc/io.sluice.scheduler.cfg; fastest: the documented floor of three heartbeats of 1 s.
        return liveness == Liveness.DEFAULT ? Duration.ofSeconds(30) : Duration.ofSeconds(3);
    }

    private static Duration heartbeat(Liveness liveness) {
        return liveness == Liveness.DEFAULT ? Duration.ofSeconds(10) : Duration.ofSeconds(1);
    }

    private static Duration leaseRenewal(Liveness liveness) {
        return liveness == Liveness.DEFAULT ? Duration.ofSeconds(2) : Duration.ofSeconds(1);
    }

    private static Duration leaseLapse(Liveness liveness) {
        // Fastest: the smallest the settings accept, two renewals.
        return liveness == Liveness.DEFAULT ? Duration.ofSeconds(6) : Duration.ofSeconds(2);
    }

    private static Duration poll(Liveness liveness) {
        return liveness == Liveness.DEFAULT ? Duration.ofMillis(500) : Duration.ofMillis(100);
    }

    @Override
    public void start(int workers, Liveness liveness) {
        scheduler = new InProcessScheduler(store, new ConfiguredAccessPolicy(TaskLifecycleBenchmark.adminOnly()),
            staleAfter(liveness), new Probe(runs));
        // As in production: each schedule mints a task API key, sealed into its task document; a no-op run never opens
        // it, so it is never stored and needs no revocation (a run that acts for its user stores it and revokes it).
        scheduler.apiKeys(keys);
        tasks = scheduler.client();
        if (workers > 0) {
            runner = scheduler.runner("peer-" + ProcessHandle.current().pid(), workers, staleAfter(liveness), heartbeat(liveness),
                poll(liveness), leaseRenewal(liveness), leaseLapse(liveness)).local();
        }
    }

    @Override
    public String settings(int workers, Liveness liveness) {
        return "capacity " + workers + ", stale after " + staleAfter(liveness).toSeconds() + " s, heartbeat "
            + heartbeat(liveness).toSeconds() + " s, lease renewed every " + leaseRenewal(liveness).toSeconds()
            + " s and lapsing after " + leaseLapse(liveness).toSeconds() + " s, poll " + poll(liveness).toMillis() + " ms, group commit on (batch <= 500, "
            + "no linger); schedules from this process start here at once; the drain's pending count refreshes the index only when this worker's acknowledged completions say it may be zero; a task API key minted per schedule and sealed into its task (stored on first use, which a no-op task never makes)";
    }

    @Override
    public void schedule(String id) {
        tasks.schedule(ScheduleRequest.of("peer-probe").id(id).params(Map.of()).build(), ADMIN);
    }

    @Override
    public boolean cancel(String id) {
        tasks.cancel(id, ADMIN);
        return true;
    }

    /**
     * Counted in OpenSearch only when the count can have reached zero. The drain asks ten times a second, and a count
     * forced up to date each time (a refresh: a new Lucene segment, later merged) took 11% of OpenSearch's CPU in a
     * quick drain (JFR), work no node does for itself. Between two such counts this worker subtracts the runs it
     * completed, each counted once OpenSearch acknowledged its end, as a rate must be; the drain ends only on a
     * refreshed count of zero.
     */
    @Override
    public long pending() throws Exception {
        if (runner != null && countedPending > 0) {
            long estimate = countedPending - (runner.completed() - completedWhenCounted);
            if (estimate > 0) {
                return estimate;
            }
        }
        long completed = runner == null ? 0 : runner.completed();
        client.indices().refresh(r -> r.index(store.index()));
        countedPending = store.count(TaskQuery.all().withStatuses(Set.of(TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)));
        completedWhenCounted = completed;
        return countedPending;
    }

    @Override
    public void close() throws Exception {
        if (runner != null) {
            runner.stop();
        }
        keys.deactivate();
        store.close();
        transport.close();
    }

    /** The benchmark's task type for Sluice. */
    static final class Probe implements TaskDefinition<Map<String, Object>, Map<String, Object>> {
        private final Runs runs;

        Probe(Runs runs) {
            this.runs = runs;
        }

        @Override
        public String type() {
            return "peer-probe";
        }

        @Override
        @SuppressWarnings("unchecked")
        public Class<Map<String, Object>> paramsType() {
            return (Class<Map<String, Object>>) (Class<?>) Map.class;
        }

        @Override
        public Map<String, Object> run(TaskContext<Map<String, Object>> context) throws InterruptedException {
            if (runs.started(context.taskId())) {
                context.cancellation().await(Duration.ofHours(1));
                runs.sawCancel(context.taskId());
                throw new TaskCancelledException(context.cancellation().reason().orElse(CancellationReason.CANCELED));
            }
            return Map.of();
        }
    }
}

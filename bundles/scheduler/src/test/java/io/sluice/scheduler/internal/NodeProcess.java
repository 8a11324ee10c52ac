package io.sluice.scheduler.internal;

import io.sluice.store.TaskStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * A scheduler node in a process of its own, for tests that kill it ({@code kill -9}, not a polite stop):
 * {@code NodeProcess <opensearch url> <index prefix> <node id> <run log> [lease]}. Prints {@code READY} once it runs.
 */
public final class NodeProcess {

    private NodeProcess() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        OpenSearchClient client = new OpenSearchClient(
            ApacheHttpClient5TransportBuilder.builder(new HttpHost(url.getScheme(), url.getHost(), url.getPort())).build());
        TaskStore store = Tasks.store(client, args[1]);
        TaskTypes types = new TaskTypes();
        types.register(new LoggedWork(args[2], Path.of(args[3])), 1, "test", 1);
        // An optional fifth argument "lease": the lease decides liveness (see Node.leaseSettings).
        SchedulerSettings settings = args.length > 4 && args[4].equals("lease") ? Node.leaseSettings(args[2], 5) : Node.settings(args[2], 5);
        new TaskRunner(store, types, settings, Clock.systemUTC(),
            new TaskLifecycle(store, new TaskTransitions(new Staleness(settings.staleAfter())), Clock.systemUTC(),
                TaskLifecycle.BeforeWrite.NONE),
            RunCredentials.NONE);
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }
}

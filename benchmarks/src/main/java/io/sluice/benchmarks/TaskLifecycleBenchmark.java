package io.sluice.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.auth.Caller;
import io.sluice.security.internal.AccessConfig;
import io.sluice.security.internal.ConfigValues;
import io.sluice.security.internal.ConfiguredAccessPolicy;
import io.sluice.benchmarks.Measure.Figures;
import io.sluice.opensearch.node.EmbeddedOpenSearch;
import io.sluice.store.internal.OpenSearchTaskStore;
import io.sluice.store.internal.StoreConfig;
import io.sluice.scheduler.internal.InProcessScheduler;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpType;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;

/**
 * Issue 3's figures: {@code status(id)} reads with 1, 8 and 32 readers, and schedule, claim and complete with 8
 * writers, each against the raw client doing the same I/O (a GET by id; GET plus conditional index) in the same run.
 * Client and node share this JVM and the machine's cores.
 *
 * <pre>./sluice bench lifecycle      (-Dwarmup=5 -Dmeasure=10 seconds)</pre>
 */
public final class TaskLifecycleBenchmark {

    private static final Caller ADMIN = new Caller("bench", Set.of("admin"), "default", Caller.Authentication.PASSWORD);
    private static final int READ_TASKS = 1000;

    private TaskLifecycleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration warmup = Measure.seconds("warmup", 5);
        Duration measure = Measure.seconds("measure", 10);
        Path home = Files.createTempDirectory("sluice-bench-");
        try (EmbeddedOpenSearch node = EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start();
             ApacheHttpClient5Transport transport = Clients.transport(node.httpUri())) {
            OpenSearchClient client = Clients.client(transport);
            OpenSearchTaskStore store = new OpenSearchTaskStore(client, prefix(".bench"));
            TaskClient tasks = new InProcessScheduler(store, new ConfiguredAccessPolicy(adminOnly()), Duration.ofSeconds(30),
                new Noop()).client();
            for (int i = 0; i < READ_TASKS; i++) {
                tasks.schedule(ScheduleRequest.of("noop").id("read-" + i).params(Map.of("n", i)).build(), ADMIN);
            }

            System.out.printf("Sluice task lifecycle benchmark: OpenSearch %s in this JVM, Java %s, %d cores, "
                    + "warm-up %d s, measure %d s%n%n", node.version(), Runtime.version().feature(),
                Runtime.getRuntime().availableProcessors(), warmup.toSeconds(), measure.toSeconds());
            System.out.println("Status reads (" + READ_TASKS + " tasks, random ids):");
            for (int threads : new int[] {1, 8, 32}) {
                Figures baseline = Measure.run("GET by id, raw client", threads, warmup, measure, t -> () -> {
                    GetResponse<ObjectNode> r = client.get(g -> g.index(store.index()).id("default:read-" + random()), ObjectNode.class);
                    if (!r.found()) {
                        throw new IllegalStateException("missing task");
                    }
                });
                Figures status = Measure.run("TaskClient.status(id)", threads, warmup, measure,
                    t -> () -> tasks.status("read-" + random(), ADMIN));
                System.out.println("  " + baseline.line());
                System.out.println("  " + status.against(baseline));
            }

        }
    }

    private static int random() {
        return ThreadLocalRandom.current().nextInt(READ_TASKS);
    }

    /** A task type that does nothing: the benchmark measures the lifecycle, not work. */
    public static final class Noop implements TaskDefinition<Map<String, Object>, Map<String, Object>> {
        @Override
        public String type() {
            return "noop";
        }

        @Override
        @SuppressWarnings("unchecked")
        public Class<Map<String, Object>> paramsType() {
            return (Class<Map<String, Object>>) (Class<?>) Map.class;
        }

        @Override
        public Map<String, Object> run(TaskContext<Map<String, Object>> context) {
            return Map.of();
        }
    }

    /** A store configuration with its defaults and the given index prefix. */
    public static StoreConfig prefix(String prefix) {
        return new StoreConfig() {
            @Override
            public String indexPrefix() {
                return prefix;
            }

            @Override
            public int changeFeedIntervalMillis() {
                return 1000;
            }

            @Override
            public int cachedTasks() {
                return 10_000;
            }

            @Override
            public int cacheMaxAgeSeconds() {
                return 30;
            }

            @Override
            public int groupCommitMaxBatch() {
                return 500;
            }

            @Override
            public int groupCommitLingerMicros() {
                return 0;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreConfig.class;
            }
        };
    }

    /** Grants nothing: only the admin role, which the benchmark's caller has, may do anything. */
    public static AccessConfig adminOnly() {
        return ConfigValues.of(AccessConfig.class, Map.<String, Object>of("grants", new String[0])::get);
    }
}

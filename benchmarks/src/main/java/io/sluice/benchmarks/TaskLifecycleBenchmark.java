package io.sluice.scheduler.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.auth.Caller;
import io.sluice.auth.internal.AccessConfig;
import io.sluice.auth.internal.ConfiguredAccessPolicy;
import io.sluice.benchmarks.Clients;
import io.sluice.benchmarks.Measure;
import io.sluice.benchmarks.Measure.Figures;
import io.sluice.opensearch.node.EmbeddedOpenSearch;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.store.internal.OpenSearchTaskStore;
import io.sluice.store.internal.StoreConfig;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskContext;
import io.sluice.task.TaskDefinition;
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
            TaskTypes types = new TaskTypes();
            types.register(new Noop(), 1, "bench", 1);
            NodeTaskClient tasks = new NodeTaskClient(store, types, new ConfiguredAccessPolicy(adminOnly()),
                Duration.ofSeconds(30), Clock.systemUTC(), TaskLifecycle.BeforeWrite.NONE);
            TaskRuns runs = new TaskRuns(tasks.lifecycle(), new PluginJson(), 10L * 1024 * 1024);
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

            System.out.println();
            System.out.println("Transitions, 8 writers, a fresh task per cycle (3 reads + 3 conditional writes):");
            AtomicLong ids = new AtomicLong();
            Figures raw = Measure.run("raw: 3 x (GET + conditional index)", 8, warmup, measure, t -> () -> {
                String id = "default:raw-" + ids.incrementAndGet();
                ObjectNode doc = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("status", "x");
                client.get(g -> g.index(store.index()).id(id), ObjectNode.class);
                var created = client.index(i -> i.index(store.index()).id(id).opType(OpType.Create).document(doc));
                for (int step = 0; step < 2; step++) {
                    GetResponse<ObjectNode> read = client.get(g -> g.index(store.index()).id(id), ObjectNode.class);
                    client.index(i -> i.index(store.index()).id(id).document(doc)
                        .ifSeqNo(read.seqNo()).ifPrimaryTerm(read.primaryTerm()));
                }
                if (created.seqNo() < 0) {
                    throw new IllegalStateException();
                }
            });
            Figures cycles = Measure.run("schedule -> claim -> complete", 8, warmup, measure, t -> () -> {
                String id = "cycle-" + ids.incrementAndGet();
                tasks.schedule(ScheduleRequest.of("noop").id(id).build(), ADMIN);
                RunId run = RunId.of(runs.claim("default", id, "bench-node").document());
                runs.complete("default", id, run, Map.of("ok", true));
            });
            System.out.println("  " + raw.line());
            System.out.println("  " + cycles.against(raw));
            System.out.printf("  = %.0f transitions/s (3 per cycle)%n", cycles.perSecond() * 3);
        }
    }

    private static int random() {
        return ThreadLocalRandom.current().nextInt(READ_TASKS);
    }

    /** A task type that does nothing: the benchmark measures the lifecycle, not work. */
    static final class Noop implements TaskDefinition<Map<String, Object>, Map<String, Object>> {
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

    static StoreConfig prefix(String prefix) {
        return new StoreConfig() {
            @Override
            public String indexPrefix() {
                return prefix;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreConfig.class;
            }
        };
    }

    static AccessConfig adminOnly() {
        return new AccessConfig() {
            @Override
            public String[] grants() {
                return new String[0];
            }

            @Override
            public String[] adminRoles() {
                return new String[] {"admin"};
            }

            @Override
            public String realm() {
                return "karaf";
            }

            @Override
            public int loginCacheSeconds() {
                return 10;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return AccessConfig.class;
            }
        };
    }
}

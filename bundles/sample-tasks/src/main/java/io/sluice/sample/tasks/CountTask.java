package io.sluice.sample.tasks;

import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.spi.TaskFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.osgi.service.component.annotations.Component;

/**
 * {@code sample_count}: counts the documents of some streams as the user who scheduled it, through
 * {@link TaskContext#scopedClients()}: a stream that user could not read comes back {@code "forbidden"}. Params:
 * {@code {"streams": ["logs.a", "logs.b"], "waitMillis": 0}}.
 */
@Component(service = TaskDefinition.class)
public final class CountTask implements TaskDefinition<CountTask.Params, Map<String, Object>> {

    /**
     * @param streams the streams to count
     * @param waitMillis how long to wait after taking its clients, before counting (to change something while the task
     *     runs)
     */
    public record Params(List<String> streams, Integer waitMillis) {
        /** Defaults for what is left out. */
        public Params {
            streams = streams == null ? List.of() : List.copyOf(streams);
            waitMillis = waitMillis == null ? 0 : waitMillis;
        }
    }

    @Override
    public String type() {
        return "sample_count";
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "Counts stream documents as the scheduling user (params: streams, waitMillis)";
    }

    @Override
    public Map<String, Object> run(TaskContext<Params> context) throws Exception {
        // Its clients first (the task's key is stored on first use), so that the key works while the task waits.
        OpenSearchClient asUser = context.scopedClients().asCurrentUser();
        if (context.cancellation().await(Duration.ofMillis(context.params().waitMillis()))) {
            context.cancellation().throwIfCancelled();
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String stream : context.params().streams()) {
            try {
                counts.put(stream, asUser.count(c -> c.index(stream)).count());
            } catch (OpenSearchException e) {
                if (e.status() != 403 && e.status() != 404) {
                    throw e;
                }
                counts.put(stream, e.status() == 403 ? "forbidden" : "missing");
            } catch (IOException e) {
                throw new TaskFailure("opensearch_unreachable", "cannot count " + stream + ": " + e.getMessage(), e);
            }
        }
        return Map.of("counts", counts, "as", context.scopedClients().caller().user());
    }
}

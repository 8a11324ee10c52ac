package io.sluice.shell.streams;

import io.sluice.auth.Caller;
import io.sluice.identification.StreamFeatures;
import io.sluice.shell.task.ConsoleCaller;
import io.sluice.shell.task.ConsoleOutput;
import io.sluice.streams.StreamDescription;
import io.sluice.streams.StreamException;
import io.sluice.streams.Streams;
import io.sluice.task.ReportedStatus;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.ScheduleResult;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskStatusView;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code streams:identify}: schedules feature identification of a stream; with {@code --wait}, follows it (a progress
 * line, woken by the task's changes, not by polling) and prints the features found with their match counts.
 */
@Command(scope = "streams", name = "identify", description = "Identifies the systems in a stream (the "
    + StreamFeatures.IDENTIFICATION_TYPE + " task). With --wait, shows progress and then the features found.")
@Service
public class IdentifyCommand implements Action {

    @Reference
    TaskClient tasks;

    @Reference
    Streams streams;

    @Argument(index = 0, name = "stream", required = true, description = "The stream")
    @Completion(StreamNameCompleter.class)
    String stream;

    @Option(name = "--from", description = "Start of the time range: ISO-8601 (2026-01-01T00:00:00Z) or epoch ms; "
        + "default: the stream's oldest document")
    String from;

    @Option(name = "--to", description = "End of the time range; default: the stream's newest document")
    String to;

    @Option(name = "--seed", description = "Seed of the random sample (default: from the time range)")
    Long seed;

    @Option(name = "--sample-size", description = "Documents to sample at random, 1 to 10000 (default 1000)")
    Integer sampleSize;

    @Option(name = "--wait", description = "Wait for the result, showing progress, and print the features")
    boolean wait;

    @Option(name = "--json", description = "Print the final status as JSON")
    boolean json;

    @Override
    public Object execute() throws Exception {
        Caller caller = ConsoleCaller.current();
        StreamDescription description = streams.describe(caller, stream).orElseThrow(() -> StreamException.notFound(stream));
        Instant start = from == null ? description.from() : instant(from, "--from");
        Instant end = to == null ? description.to() : instant(to, "--to");
        if (start == null || end == null) {
            throw new StreamException(400, "stream " + stream + " has no documents with @timestamp: nothing to identify");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("start", start.toEpochMilli());
        params.put("end", end.toEpochMilli());
        if (seed != null) {
            params.put("seed", seed);
        }
        if (sampleSize != null) {
            params.put("sample_size", sampleSize);
        }
        ScheduleResult scheduled = tasks.schedule(ScheduleRequest.of(StreamFeatures.IDENTIFICATION_TYPE).stream(stream)
            .params(params).build(), caller);
        String id = scheduled.task().id();
        if (!json) {
            System.out.printf("%s %s (%s to %s)%n", scheduled.started() ? "Started" : "Already running:", id,
                ConsoleOutput.time(start), ConsoleOutput.time(end));
        }
        if (!wait) {
            return null;
        }
        TaskStatusView view = tasks.status(id, caller);
        while (view.status() == ReportedStatus.IN_PROGRESS || view.status() == ReportedStatus.BEING_CANCELED) {
            if (!json) {
                System.out.printf("\r%-78s", progressLine(view));
                System.out.flush();
            }
            try {
                view = tasks.statusChange(id, caller, view.etag(), Duration.ofSeconds(30)).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                System.out.printf("%nStopped waiting; %s goes on (task:show %s)%n", id, id);
                return null;
            } catch (TimeoutException e) {
                view = tasks.status(id, caller);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
        if (json) {
            System.out.println(new ConsoleOutput().json(view));
            return null;
        }
        System.out.printf("\r%-78s%n", view.status().wireName());
        switch (view.status()) {
            case COMPLETED, ACKNOWLEDGED -> printFeatures(view.payload());
            case FAILED -> throw new StreamException(400, "identification failed: " + (view.error() == null ? "" : view.error().message()));
            case STALE -> System.out.println("stale: " + view.staleReason());
            default -> System.out.println("ended as " + view.status().wireName());
        }
        return null;
    }

    private static String progressLine(TaskStatusView view) {
        Map<String, Object> progress = view.progress();
        if (progress == null || progress.isEmpty()) {
            return view.status() == ReportedStatus.BEING_CANCELED ? "canceling..." : "waiting for a node to start it...";
        }
        return progress.getOrDefault("phase", "working") + " " + progress.entrySet().stream()
            .filter(e -> !e.getKey().equals("phase")).map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b)
            .orElse("");
    }

    @SuppressWarnings("unchecked")
    static void printFeatures(Map<String, Object> payload) {
        if (payload == null) {
            System.out.println("no result");
            return;
        }
        List<Map<String, Object>> features = (List<Map<String, Object>>) payload.getOrDefault("features", List.of());
        ConsoleOutput out = new ConsoleOutput();
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Level");
        table.column("Source");
        table.column("Documents").alignRight();
        table.column("Confidence").alignRight();
        table.column("Filter").maxSize(70);
        for (Map<String, Object> feature : features) {
            table.addRow().addContent(feature.get("name"), feature.get("level"),
                feature.get("parent") == null ? "" : feature.get("parent"), feature.get("count"), feature.get("confidence"),
                out.compact((Map<String, Object>) feature.get("filter")));
        }
        table.print(System.out);
        Object ratio = payload.get("unmatched_ratio");
        System.out.printf("%d features from a sample of %s documents in %s ms; %.2f%% of the documents match no filter%n",
            features.size(), payload.get("sample_size"), payload.get("took_ms"),
            ratio instanceof Number n ? 100 * n.doubleValue() : 0.0);
    }

    private static Instant instant(String value, String option) {
        try {
            return value.matches("\\d{1,15}") ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new StreamException(400, option + " must be ISO-8601 (2026-01-01T00:00:00Z) or epoch milliseconds, got '"
                + value + "'");
        }
    }
}

package io.sluice.scheduler.internal;

import io.sluice.task.spi.TaskCancelledException;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * Work that writes a run log, one line per event, appended at once so that it survives its process being killed:
 * {@code start <task> <node> <attempt> <epoch ms>} and {@code end <task> <node> <attempt> <epoch ms>}.
 */
final class LoggedWork implements TaskDefinition<LoggedWork.Params, Map<String, Object>> {

    /** @param millis how long the work takes */
    record Params(Integer millis) {
        Params {
            millis = millis == null ? 0 : millis;
        }
    }

    private final String node;
    private final Path log;

    LoggedWork(String node, Path log) {
        this.node = node;
        this.log = log;
    }

    @Override
    public String type() {
        return "work";
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
    }

    @Override
    public Map<String, Object> run(TaskContext<Params> context) throws InterruptedException {
        append("start", context);
        if (context.cancellation().await(Duration.ofMillis(context.params().millis()))) {
            throw new TaskCancelledException(context.cancellation().reason().orElseThrow());
        }
        append("end", context);
        return Map.of("node", node);
    }

    private synchronized void append(String event, TaskContext<?> context) {
        String line = String.join(" ", event, context.taskId(), node, String.valueOf(context.attempt()),
            String.valueOf(System.currentTimeMillis())) + "\n";
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

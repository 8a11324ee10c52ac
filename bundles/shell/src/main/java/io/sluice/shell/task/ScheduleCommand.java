package io.sluice.shell.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.task.InvalidParamsException;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.ScheduleResult;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskDocument;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code task:schedule}: start a run on the user's behalf; a healthy run of the same task is left alone. */
@Command(scope = "task", name = "schedule", description = "Schedules a task. If the same task is already running healthily, "
    + "nothing changes and its current state is shown.")
@Service
public class ScheduleCommand implements Action {

    @Reference
    TaskClient tasks;

    @Argument(index = 0, name = "type", description = "The task type (task:types lists them)", required = true)
    @Completion(TaskTypeCompleter.class)
    String type;

    @Option(name = "--stream", description = "The stream to work on; the task id is then <type>_<stream>")
    String stream;

    @Option(name = "--id", description = "The task id (required without --stream)")
    String id;

    @Option(name = "--params", description = "The params as a JSON object, for example '{\"steps\": 20}'")
    String params;

    @Option(name = "--json", description = "Print the task document as JSON")
    boolean json;

    @Override
    public Object execute() {
        if (id == null && stream == null) {
            throw new IllegalArgumentException("give --stream <name> or --id <task id>");
        }
        ConsoleOutput out = new ConsoleOutput();
        Map<String, Object> bound = null;
        if (params != null) {
            try {
                JsonNode node = out.mapper().readTree(params);
                if (!node.isObject()) {
                    throw new InvalidParamsException(null, "--params must be a JSON object, got " + params);
                }
                bound = out.mapper().convertValue(node, out.mapper().getTypeFactory().constructMapType(Map.class, String.class, Object.class));
            } catch (JsonProcessingException e) {
                throw new InvalidParamsException(null, "--params is not valid JSON: " + e.getOriginalMessage());
            }
        }
        ScheduleResult result = tasks.schedule(ScheduleRequest.of(type).id(id).stream(stream).params(bound).build(),
            ConsoleCaller.current());
        TaskDocument task = result.task();
        if (json) {
            System.out.println(out.json(task));
        } else if (!result.started()) {
            System.out.printf("%s is already %s since %s UTC: nothing scheduled%n", task.id(), task.status().wireName(),
                ConsoleOutput.time(task.createdAt()));
        } else {
            System.out.printf("Scheduled %s: %s%n", task.id(), task.status().wireName());
        }
        return null;
    }
}

package io.sluice.shell.task;

import io.sluice.task.TaskClient;
import io.sluice.task.TaskDocument;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code task:ack}: mark a completed task's result as read, and print it. */
@Command(scope = "task", name = "ack", description = "Acknowledges a completed task and prints its result.")
@Service
public class AcknowledgeCommand implements Action {

    @Reference
    TaskClient tasks;

    @Argument(index = 0, name = "id", description = "The task id", required = true)
    @Completion(TaskIdCompleter.class)
    String id;

    @Option(name = "--json", description = "Print the task document as JSON")
    boolean json;

    @Override
    public Object execute() {
        TaskDocument task = tasks.acknowledge(id, ConsoleCaller.current());
        ConsoleOutput out = new ConsoleOutput();
        if (json) {
            System.out.println(out.json(task));
        } else {
            System.out.printf("Acknowledged %s. Result:%n%s%n", task.id(), out.json(task.payload()));
        }
        return null;
    }
}

package io.sluice.shell.task;

import io.sluice.task.TaskClient;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code task:cancel}: ask a running task to stop. */
@Command(scope = "task", name = "cancel", description = "Cancels a running task: it becomes being_canceled, then canceled "
    + "when its run stops. Other statuses are left alone.")
@Service
public class CancelCommand implements Action {

    @Reference
    TaskClient tasks;

    @Argument(index = 0, name = "id", description = "The task id", required = true)
    @Completion(TaskIdCompleter.class)
    String id;

    @Option(name = "--json", description = "Print the task document as JSON")
    boolean json;

    @Override
    public Object execute() {
        TaskDocument task = tasks.cancel(id, ConsoleCaller.current());
        if (json) {
            System.out.println(new ConsoleOutput().json(task));
        } else if (task.status() == TaskStatus.BEING_CANCELED) {
            System.out.printf("%s: being_canceled%n", task.id());
        } else {
            System.out.printf("%s is %s: nothing to cancel%n", task.id(), task.status().wireName());
        }
        return null;
    }
}

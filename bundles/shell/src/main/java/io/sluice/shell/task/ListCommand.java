package io.sluice.shell.task;

import io.sluice.task.PageRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskFilter;
import io.sluice.task.TaskPage;
import io.sluice.task.TaskStatus;
import io.sluice.task.TaskStatusView;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code task:list}: the tasks the user may see, newest first, with {@code stale} computed. */
@Command(scope = "task", name = "list", description = "Lists tasks, newest first. Listings see writes within about a second.")
@Service
public class ListCommand implements Action {

    @Reference
    TaskClient tasks;

    @Option(name = "--type", description = "Only this task type")
    @Completion(TaskTypeCompleter.class)
    String type;

    @Option(name = "--status", description = "Only this stored status: in_progress, being_canceled, canceled, failed, completed, acknowledged")
    String status;

    @Option(name = "--stream", description = "Only this stream")
    String stream;

    @Option(name = "--owner", description = "Only tasks scheduled by this user")
    String owner;

    @Option(name = "--from", description = "Skip this many tasks")
    int from = 0;

    @Option(name = "--size", description = "Show at most this many tasks (1 to 1000)")
    int size = 50;

    @Option(name = "--json", description = "Print the page as JSON")
    boolean json;

    @Override
    public Object execute() {
        TaskFilter filter = new TaskFilter(type, status == null ? null : TaskStatus.fromWireName(status), stream, owner);
        TaskPage page = tasks.list(filter, new PageRequest(from, size), ConsoleCaller.current());
        ConsoleOutput out = new ConsoleOutput();
        if (json) {
            System.out.println(out.json(page));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Type");
        table.column("Status");
        table.column("Stream");
        table.column("Owner");
        table.column("Attempt").alignRight();
        table.column("Updated (UTC)");
        for (TaskStatusView task : page.tasks()) {
            table.addRow().addContent(task.id(), task.type(), task.status().wireName(),
                task.stream() == null ? "" : task.stream(), task.owner(), task.attempt(), ConsoleOutput.time(task.updatedAt()));
        }
        table.print(System.out);
        System.out.printf("%d of %d tasks%n", page.tasks().size(), page.total());
        return null;
    }
}

package io.sluice.shell.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.auth.Caller;
import io.sluice.task.AttemptRecord;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskStatusView;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code task:show}: one task, in full. */
@Command(scope = "task", name = "show", description = "Shows one task: its status (stale computed), history, params, progress, result or error.")
@Service
public class ShowCommand implements Action {

    @Reference
    TaskClient tasks;

    @Argument(index = 0, name = "id", description = "The task id", required = true)
    @Completion(TaskIdCompleter.class)
    String id;

    @Option(name = "--json", description = "Print the task document as JSON, with reported_status and stale_reason")
    boolean json;

    @Override
    public Object execute() {
        Caller caller = ConsoleCaller.current();
        TaskDocument task = tasks.get(id, caller);
        TaskStatusView view = tasks.status(id, caller);
        ConsoleOutput out = new ConsoleOutput();
        if (json) {
            ObjectNode node = out.mapper().valueToTree(task);
            node.put("reported_status", view.status().wireName());
            if (view.staleReason() != null) {
                node.put("stale_reason", view.staleReason());
            }
            System.out.println(out.json(node));
            return null;
        }
        ShellTable table = new ShellTable().noHeaders();
        table.column("Field");
        table.column("Value");
        row(table, "id", task.id());
        row(table, "status", view.status().wireName()
            + (view.staleReason() == null ? "" : " (stored " + view.storedStatus().wireName() + "; " + view.staleReason() + ")"));
        row(table, "type", task.type());
        row(table, "stream", task.stream());
        row(table, "space", task.space());
        row(table, "owner", task.owner());
        row(table, "created", ConsoleOutput.time(task.createdAt()));
        row(table, "updated", ConsoleOutput.time(task.updatedAt()));
        row(table, "heartbeat", ConsoleOutput.time(task.heartbeatAt()));
        row(table, "node", task.node());
        row(table, "attempt", task.createdAt() == null ? null : String.valueOf(task.attempt()));
        row(table, "last completed", ConsoleOutput.time(task.lastCompletedAt()));
        row(table, "last failed", ConsoleOutput.time(task.lastFailedAt()));
        row(table, "last canceled", ConsoleOutput.time(task.lastCanceledAt()));
        row(table, "last acknowledged", ConsoleOutput.time(task.lastAcknowledgedAt()));
        row(table, "params", task.createdAt() == null ? null : out.compact(task.params()));
        row(table, "progress", out.compact(view.progress()));
        row(table, "payload", out.compact(view.payload()));
        row(table, "error", view.error() == null ? null : view.error().code() + ": " + view.error().message());
        for (AttemptRecord attempt : task.attempts()) {
            row(table, "attempt " + attempt.attempt(), attempt.node() + " " + ConsoleOutput.time(attempt.startedAt())
                + (attempt.endedAt() == null ? " running" : " to " + ConsoleOutput.time(attempt.endedAt()))
                + (attempt.outcome() == null ? "" : " " + attempt.outcome().name().toLowerCase(java.util.Locale.ROOT))
                + (attempt.error() == null ? "" : " (" + attempt.error().message() + ")"));
        }
        table.print(System.out);
        return null;
    }

    private static void row(ShellTable table, String field, String value) {
        if (value != null && !value.isEmpty()) {
            table.addRow().addContent(field, value);
        }
    }
}

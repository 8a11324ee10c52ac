package io.sluice.shell.task;

import io.sluice.task.NodeHealth;
import io.sluice.task.RunningTask;
import io.sluice.task.TaskService;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code task:health}: this node's health figures. */
@Command(scope = "task", name = "health", description = "Shows this node's task service health: store, capacity, runs, "
    + "queue, schedule-to-start latency, claim conflicts, stale tasks, other live nodes.")
@Service
public class HealthCommand implements Action {

    @Reference
    TaskService tasks;

    @Option(name = "--json", description = "Print the figures as JSON")
    boolean json;

    @Override
    public Object execute() {
        NodeHealth health = tasks.health();
        if (json) {
            System.out.println(new ConsoleOutput().json(health));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Figure");
        table.column("Value");
        table.addRow().addContent("node", health.nodeId());
        table.addRow().addContent("store", health.storeStatus()
            + (health.storeMessage() == null ? "" : " (" + health.storeMessage() + ")"));
        table.addRow().addContent("running / capacity", health.running() + " / " + health.capacity());
        for (RunningTask run : tasks.running()) {
            table.addRow().addContent("  " + run.taskId(), run.type() + ", attempt " + run.attempt() + ", since "
                + ConsoleOutput.time(run.startedAt()) + (run.cancelling() ? ", cancelling" : ""));
        }
        long queued = health.queuedByType().values().stream().mapToLong(Long::longValue).sum();
        table.addRow().addContent("queued", queued);
        for (Map.Entry<String, Long> type : health.queuedByType().entrySet()) {
            table.addRow().addContent("  " + type.getKey(), type.getValue());
        }
        table.addRow().addContent("schedule to start p50 / p99", health.scheduleToStartP50Millis() < 0 ? "no starts in the last 5 min"
            : health.scheduleToStartP50Millis() + " ms / " + health.scheduleToStartP99Millis() + " ms (last 5 min)");
        table.addRow().addContent("claims lost to other nodes", health.claimConflicts());
        table.addRow().addContent("stale tasks", health.staleTasks());
        table.addRow().addContent("other live nodes", health.liveNodes().isEmpty() ? "none seen" : String.join(", ", health.liveNodes()));
        table.print(System.out);
        return null;
    }
}

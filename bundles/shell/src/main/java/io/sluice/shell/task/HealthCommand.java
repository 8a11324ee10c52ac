package io.sluice.shell.task;

import io.sluice.task.NodeHealth;
import io.sluice.task.TaskService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code task:health}: this node's health figures. */
@Command(scope = "task", name = "health", description = "Shows this node's task service health: store, capacity, running tasks.")
@Service
public class HealthCommand implements Action {

    @Reference
    TaskService tasks;

    @Override
    public Object execute() {
        NodeHealth health = tasks.health();
        ShellTable table = new ShellTable();
        table.column("Figure");
        table.column("Value");
        table.addRow().addContent("node", health.nodeId());
        table.addRow().addContent("store", health.storeStatus()
            + (health.storeMessage() == null ? "" : " (" + health.storeMessage() + ")"));
        table.addRow().addContent("capacity", health.capacity());
        table.addRow().addContent("running", health.running());
        table.print(System.out);
        return null;
    }
}

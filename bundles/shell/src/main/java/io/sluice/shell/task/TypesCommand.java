package io.sluice.shell.task;

import io.sluice.task.TaskService;
import io.sluice.task.TaskTypeInfo;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code task:types}: the task types installed on this node. */
@Command(scope = "task", name = "types", description = "Lists the task types this node can run, and the bundles providing them.")
@Service
public class TypesCommand implements Action {

    @Reference
    TaskService service;

    @Option(name = "--json", description = "Print a JSON array")
    boolean json;

    @Override
    public Object execute() {
        if (json) {
            System.out.println(new ConsoleOutput().json(service.types()));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Type");
        table.column("Bundle");
        table.column("Timeout").alignRight();
        table.column("Attempts").alignRight();
        table.column("Description");
        for (TaskTypeInfo type : service.types()) {
            table.addRow().addContent(type.type(), type.bundle() + " [" + type.bundleId() + "]",
                type.timeout().toSeconds() + " s", type.maxAttempts(), type.description());
        }
        table.print(System.out);
        return null;
    }
}

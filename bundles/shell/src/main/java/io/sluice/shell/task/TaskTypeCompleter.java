package io.sluice.shell.task;

import io.sluice.task.TaskService;
import io.sluice.task.TaskTypeInfo;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes installed task types. */
@Service
public class TaskTypeCompleter implements Completer {

    @Reference
    TaskService service;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter types = new StringsCompleter(service.types().stream().map(TaskTypeInfo::type).toList());
        return types.complete(session, commandLine, candidates);
    }
}

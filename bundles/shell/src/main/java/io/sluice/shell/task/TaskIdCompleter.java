package io.sluice.shell.task;

import io.sluice.task.PageRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskFilter;
import io.sluice.task.TaskStatusView;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of the newest tasks the user may see. */
@Service
public class TaskIdCompleter implements Completer {

    @Reference
    TaskClient tasks;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> ids = tasks.list(TaskFilter.all(), PageRequest.first(200), ConsoleCaller.current()).tasks().stream()
            .map(TaskStatusView::id).toList();
        return new StringsCompleter(ids).complete(session, commandLine, candidates);
    }
}

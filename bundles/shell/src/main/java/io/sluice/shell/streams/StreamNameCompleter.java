package io.sluice.shell.streams;

import io.sluice.shell.task.ConsoleCaller;
import io.sluice.streams.StreamSummary;
import io.sluice.streams.Streams;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the streams the user may read. */
@Service
public class StreamNameCompleter implements Completer {

    @Reference
    Streams streams;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = streams.list(ConsoleCaller.current()).stream().map(StreamSummary::name).toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}

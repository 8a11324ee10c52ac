package io.sluice.shell.streams;

import io.sluice.shell.task.ConsoleCaller;
import io.sluice.shell.task.ConsoleOutput;
import io.sluice.streams.StreamSummary;
import io.sluice.streams.Streams;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code streams:list}: the streams the user may read. */
@Command(scope = "streams", name = "list", description = "Lists the streams you may read, with their document counts.")
@Service
public class ListStreamsCommand implements Action {

    @Reference
    Streams streams;

    @Option(name = "--json", description = "Print the list as JSON")
    boolean json;

    @Override
    public Object execute() {
        List<StreamSummary> list = streams.list(ConsoleCaller.current());
        if (json) {
            System.out.println(new ConsoleOutput().json(Map.of("streams", list)));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Stream");
        table.column("Documents").alignRight();
        list.forEach(stream -> table.addRow().addContent(stream.name(), stream.documents()));
        table.print(System.out);
        System.out.printf("%d streams%n", list.size());
        return null;
    }
}

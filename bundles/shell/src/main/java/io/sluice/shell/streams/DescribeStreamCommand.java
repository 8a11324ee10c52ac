package io.sluice.shell.streams;

import io.sluice.shell.task.ConsoleCaller;
import io.sluice.shell.task.ConsoleOutput;
import io.sluice.streams.StreamDescription;
import io.sluice.streams.StreamException;
import io.sluice.streams.Streams;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code streams:describe}: one stream's documents, time range and fields. */
@Command(scope = "streams", name = "describe", description = "Shows a stream: document count, time range and mapped fields.")
@Service
public class DescribeStreamCommand implements Action {

    @Reference
    Streams streams;

    @Argument(index = 0, name = "stream", required = true, description = "The stream")
    @Completion(StreamNameCompleter.class)
    String stream;

    @Option(name = "--json", description = "Print the description as JSON")
    boolean json;

    @Override
    public Object execute() {
        StreamDescription description = streams.describe(ConsoleCaller.current(), stream)
            .orElseThrow(() -> StreamException.notFound(stream));
        if (json) {
            System.out.println(new ConsoleOutput().json(description));
            return null;
        }
        System.out.printf("Stream     %s%nDocuments  %d%nFrom       %s%nTo         %s%n", description.name(),
            description.documents(), ConsoleOutput.time(description.from()), ConsoleOutput.time(description.to()));
        ShellTable table = new ShellTable();
        table.column("Field");
        table.column("Type");
        description.fields().forEach(field -> table.addRow().addContent(field.name(), field.type()));
        table.print(System.out);
        return null;
    }
}

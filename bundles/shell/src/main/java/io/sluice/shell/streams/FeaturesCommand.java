package io.sluice.shell.streams;

import io.sluice.identification.KeptFeature;
import io.sluice.identification.StreamFeatures;
import io.sluice.shell.task.ConsoleCaller;
import io.sluice.shell.task.ConsoleOutput;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code streams:features}: the features kept for a stream. */
@Command(scope = "streams", name = "features", description = "Lists the features kept for a stream.")
@Service
public class FeaturesCommand implements Action {

    @Reference
    StreamFeatures features;

    @Argument(index = 0, name = "stream", required = true, description = "The stream")
    @Completion(StreamNameCompleter.class)
    String stream;

    @Option(name = "--json", description = "Print the features as JSON")
    boolean json;

    @Override
    public Object execute() {
        List<KeptFeature> kept = features.list(ConsoleCaller.current(), stream);
        ConsoleOutput out = new ConsoleOutput();
        if (json) {
            System.out.println(out.json(Map.of("features", kept)));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Name");
        table.column("Confidence").alignRight();
        table.column("Kept by");
        table.column("Last seen (UTC)");
        table.column("Filter").maxSize(60);
        for (KeptFeature feature : kept) {
            table.addRow().addContent(feature.id(), feature.name(), feature.confidence(), feature.keptBy(),
                ConsoleOutput.time(feature.lastSeen()), out.compact(feature.filter()));
        }
        table.print(System.out);
        System.out.printf("%d features kept for %s%n", kept.size(), stream);
        return null;
    }
}

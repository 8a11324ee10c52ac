package io.sluice.shell.streams;

import io.sluice.auth.Caller;
import io.sluice.identification.Feature;
import io.sluice.identification.KeptFeature;
import io.sluice.identification.StreamFeatures;
import io.sluice.shell.task.ConsoleCaller;
import io.sluice.streams.StreamException;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code streams:keep}: keeps features from the stream's completed identification, by name or all of them, as the
 * review step in Kibana does. Then {@code task:acknowledge} ends the review.
 */
@Command(scope = "streams", name = "keep", description = "Keeps features found by the stream's completed identification "
    + "(by name, or --all). Acknowledge the task afterwards with task:acknowledge.")
@Service
public class KeepCommand implements Action {

    @Reference
    TaskClient tasks;

    @Reference
    StreamFeatures features;

    @Argument(index = 0, name = "stream", required = true, description = "The stream")
    @Completion(StreamNameCompleter.class)
    String stream;

    @Argument(index = 1, name = "names", multiValued = true, description = "Names of the features to keep")
    List<String> names;

    @Option(name = "--all", description = "Keep every feature found")
    boolean all;

    @Override
    @SuppressWarnings("unchecked")
    public Object execute() {
        Caller caller = ConsoleCaller.current();
        if (!all && (names == null || names.isEmpty())) {
            throw new StreamException(400, "name the features to keep, or give --all");
        }
        TaskDocument task = tasks.get(StreamFeatures.IDENTIFICATION_TYPE + "_" + stream, caller);
        if (task.status() != TaskStatus.COMPLETED || task.payload() == null) {
            throw new StreamException(409, "the identification of " + stream + " is " + task.status().wireName()
                + ", not completed: run streams:identify " + stream + " --wait first");
        }
        List<Feature> chosen = new ArrayList<>();
        List<String> missing = names == null ? new ArrayList<>() : new ArrayList<>(names);
        for (Map<String, Object> found : (List<Map<String, Object>>) task.payload().getOrDefault("features", List.of())) {
            String name = String.valueOf(found.get("name"));
            if (all || missing.remove(name)) {
                chosen.add(new Feature(String.valueOf(found.getOrDefault("type", Feature.SYSTEM)), name,
                    String.valueOf(found.getOrDefault("description", "")), (Map<String, Object>) found.get("filter"), Map.of(),
                    Map.of(), ((Number) found.getOrDefault("confidence", 0)).intValue(), (String) found.get("level"),
                    (String) found.get("parent"), ((Number) found.getOrDefault("count", 0)).longValue()));
            }
        }
        if (!all && !missing.isEmpty()) {
            throw new StreamException(404, "no feature named " + missing + " in the identification of " + stream);
        }
        List<KeptFeature> kept = features.keep(caller, stream, chosen);
        System.out.printf("Kept %d features; %s now keeps %d%n", chosen.size(), stream, kept.size());
        return null;
    }
}

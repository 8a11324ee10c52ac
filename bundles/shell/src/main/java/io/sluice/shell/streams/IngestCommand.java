package io.sluice.shell.streams;

import io.sluice.shell.task.ConsoleCaller;
import io.sluice.shell.task.ConsoleOutput;
import io.sluice.streams.IngestFormat;
import io.sluice.streams.IngestResult;
import io.sluice.streams.StreamException;
import io.sluice.streams.Streams;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** {@code streams:ingest}: a file of raw log lines (or NDJSON) into a stream. */
@Command(scope = "streams", name = "ingest", description = "Ingests a file into a stream, one document a line: raw log "
    + "lines (their header parsed into @timestamp and fields), or NDJSON with --ndjson. Creates the stream if needed.")
@Service
public class IngestCommand implements Action {

    @Reference
    Streams streams;

    @Argument(index = 0, name = "stream", required = true, description = "The stream (created if it does not exist)")
    @Completion(StreamNameCompleter.class)
    String stream;

    @Argument(index = 1, name = "file", required = true, description = "The file, UTF-8, one log line (or JSON object) a line")
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--ndjson", description = "The file holds one JSON object a line")
    boolean ndjson;

    @Option(name = "--json", description = "Print the result as JSON")
    boolean json;

    @Override
    public Object execute() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new StreamException(400, "no file " + file);
        } catch (MalformedInputException e) {
            throw new StreamException(400, file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new StreamException(400, "cannot read " + file + ": " + e.getMessage());
        }
        int total = lines.size();
        IngestResult result = streams.ingest(ConsoleCaller.current(), stream, ndjson ? IngestFormat.NDJSON : IngestFormat.LINES,
            lines, done -> {
                if (!json) {
                    System.out.printf("\r%d of %d lines", done, total);
                    System.out.flush();
                }
            });
        if (json) {
            System.out.println(new ConsoleOutput().json(result));
            return null;
        }
        System.out.printf("\r%s%d lines of %s: %d indexed, %d rejected%n", result.created() ? "created " + stream + "; " : "",
            total, file, result.indexed(), result.rejected());
        result.rejections().stream().limit(10).forEach(r -> System.out.printf("  line %d: %s%n", r.line(), r.reason()));
        if (result.rejected() > 10) {
            System.out.printf("  ... %d more%n", result.rejected() - 10);
        }
        return null;
    }
}

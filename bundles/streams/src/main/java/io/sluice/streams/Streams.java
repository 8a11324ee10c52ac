package io.sluice.streams;

import io.sluice.auth.Caller;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The streams a caller may see, and putting logs into them. A stream is an OpenSearch index (or alias, or data
 * stream) whose name does not start with a dot; one the caller may not read does not exist for that caller.
 */
@ProviderType
public interface Streams {

    /** The streams the caller may read, by name. */
    List<StreamSummary> list(Caller caller);

    /**
     * One stream: counts, time range, fields.
     *
     * @return empty when it does not exist or the caller may not read it
     * @throws StreamException 400 for a name that is not a stream name
     */
    Optional<StreamDescription> describe(Caller caller, String stream);

    /**
     * Indexes a body into a stream, creating it (with Sluice's stream mapping) when it does not exist. Needs the
     * {@code manage} privilege on the stream. The whole body is read before anything is written: an NDJSON line that is
     * not a JSON object rejects the body (400, naming the line) and nothing is written. Blank lines, and lines
     * OpenSearch refuses, are counted and listed, not fatal.
     *
     * @param lines the body's lines, in order
     * @param progress told how many lines are done, after each batch
     * @throws StreamException 400 (bad name or body), 403 (no manage privilege), 503 (OpenSearch unreachable)
     */
    IngestResult ingest(Caller caller, String stream, IngestFormat format, List<String> lines, LongConsumer progress);

    /**
     * Checks a stream name by OpenSearch's index-name rules, and refuses system names (a leading dot).
     *
     * @throws StreamException 400 naming the rule
     */
    static void checkName(String stream) {
        StreamNames.check(stream);
    }
}

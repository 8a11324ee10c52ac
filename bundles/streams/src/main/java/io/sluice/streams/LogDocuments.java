package io.sluice.streams;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns raw log lines into stream documents, one a line: the line verbatim in {@code message}, {@code @timestamp}
 * from its header (or the ingest time), {@code log.format} (the header's layout, see {@link LogLine#format()}) and the
 * {@code log.layout} (its coarse form, {@link LogLine#layoutOf}), {@code log.header_length} (where the free text starts,
 * so readers need not parse the line again), and the header's fields beside them, as nested objects ({@code host.name} is {@code {"host": {"name": ...}}}).
 *
 * <p>A line without a header that follows one with a header is a continuation (a stack trace, a wrapped message): it
 * takes the previous line's timestamp, layout and header fields, and is marked {@code log.continuation: true}, as
 * multiline collectors do. It is still its own document: no line is merged or lost.
 *
 * <p>Not thread-safe: one instance reads one body, in order.
 */
public final class LogDocuments {

    private final LogLineParser parser;
    private final Instant ingestTime;
    private LogLine previous;

    /**
     * @param zone the zone of header timestamps that name none
     * @param ingestTime the timestamp of lines without one, and whose year completes timestamps without a year
     */
    public LogDocuments(ZoneId zone, Instant ingestTime) {
        this.parser = new LogLineParser(zone, ingestTime.atZone(zone).getYear());
        this.ingestTime = ingestTime;
    }

    /** The document of the next line. */
    public Map<String, Object> next(String line) {
        LogLine parsed = parser.parse(line);
        Map<String, Object> doc = new LinkedHashMap<>();
        boolean continuation = !parsed.hasHeader() && previous != null;
        LogLine header = continuation ? previous : parsed;
        Instant timestamp = header.timestamp() == null ? ingestTime : header.timestamp();
        doc.put("@timestamp", timestamp.toString());
        doc.put("message", line);
        put(doc, "log.format", header.format());
        put(doc, "log.layout", header.layout());
        header.fields().forEach((field, value) -> put(doc, field, value));
        if (parsed.hasHeader()) {
            put(doc, "log.header_length", parsed.contentStart());
        }
        if (continuation) {
            put(doc, "log.continuation", true);
        } else if (parsed.hasHeader()) {
            previous = parsed;
        }
        return doc;
    }

    /** Puts a dotted field as nested objects. */
    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> doc, String field, Object value) {
        String[] path = field.split("\\.");
        Map<String, Object> at = doc;
        for (int i = 0; i < path.length - 1; i++) {
            Object next = at.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
            if (!(next instanceof Map)) {
                return; // a field of that name holds a value already: the first one wins
            }
            at = (Map<String, Object>) next;
        }
        at.putIfAbsent(path[path.length - 1], value);
    }
}

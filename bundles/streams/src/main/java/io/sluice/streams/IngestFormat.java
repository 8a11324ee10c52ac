package io.sluice.streams;

/** How an ingest body is read. */
public enum IngestFormat {
    /** One raw log line a document, verbatim in {@code message}, its header parsed beside it ({@code text/plain}). */
    LINES,
    /** One JSON object a line, indexed as given ({@code application/x-ndjson}). */
    NDJSON
}

package io.sluice.streams;

import java.util.List;

/**
 * What an ingest did.
 *
 * @param stream the stream written to
 * @param created whether the ingest created the stream
 * @param indexed how many documents were indexed
 * @param rejected how many lines were not (blank, too long, refused by OpenSearch)
 * @param rejections the first {@link #MAX_LISTED} of them, with reasons
 */
public record IngestResult(String stream, boolean created, long indexed, long rejected, List<Rejection> rejections) {

    /** How many rejections are listed; the count covers all. */
    public static final int MAX_LISTED = 100;

    /** Copies the list. */
    public IngestResult {
        rejections = List.copyOf(rejections);
    }

    /**
     * A line that was not indexed.
     *
     * @param line its number in the body, from 1
     * @param reason why
     */
    public record Rejection(long line, String reason) {
    }
}

package io.sluice.streams;

/**
 * A stream in a listing.
 *
 * @param name the index, alias or data stream name
 * @param documents how many documents it holds
 */
public record StreamSummary(String name, long documents) {
}

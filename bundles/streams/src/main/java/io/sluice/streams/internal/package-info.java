/**
 * Streams: stream lookup, sample ingest, and the {@code streams_feature_identification} task type with its routes.
 * Not built yet; the bundle is in the distribution so that its place in the wiring is fixed.
 */
package io.sluice.streams.internal;

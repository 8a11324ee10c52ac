/**
 * Streams: the OpenSearch indices and data streams whose documents Sluice's stream tasks work on.
 *
 * <p>{@link io.sluice.streams.Streams} lists, describes and ingests into them; {@link io.sluice.streams.LogDocuments},
 * {@link io.sluice.streams.LogLineParser} and {@link io.sluice.streams.LogLine} are how a raw log line becomes a
 * document. Everything here is implemented by Sluice ({@code @ProviderType}).
 */
@Export
@Version("2.0.0")
package io.sluice.streams;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

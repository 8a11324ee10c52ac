/**
 * What Sluice's bundles share about OpenSearch beyond the client itself: {@link io.sluice.opensearch.SystemIndex}, a
 * hidden index behind an alias that Sluice creates, recreates when it disappears, and whose client errors it maps to
 * the task API's errors in one place; {@link io.sluice.opensearch.IndexDefinition}, settings and mappings to create
 * any index from; {@link io.sluice.opensearch.GroupCommit}, concurrent writes to one such index sent together in
 * {@code _bulk} requests, each item keeping its own condition.
 */
@Export
@Version("1.3.0")
package io.sluice.opensearch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

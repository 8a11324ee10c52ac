/** Streams: the OpenSearch indices and data streams whose documents Sluice's stream tasks work on. */
@Export
@Version("1.0.0")
package io.sluice.streams;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

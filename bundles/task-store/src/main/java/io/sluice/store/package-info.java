/**
 * The task store: task documents in an OpenSearch index, for the scheduler's use only (plugins use
 * {@link io.sluice.task.TaskClient}).
 */
@Export
@Version("1.3.0")
package io.sluice.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

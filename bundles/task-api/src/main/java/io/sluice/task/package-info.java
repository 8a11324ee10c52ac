/**
 * The Sluice task service as its callers see it.
 *
 * <p>{@link io.sluice.task.TaskClient} schedules, reads, cancels and acknowledges tasks on behalf of a caller;
 * {@link io.sluice.task.TaskService} is the node's own view (types, runs, health). The documents and views they return
 * are immutable records, and every error they report is a {@link io.sluice.task.TaskException} that names its HTTP
 * status. Everything here is implemented by Sluice ({@code @ProviderType}); what plugins implement lives in
 * {@code io.sluice.task.spi}.
 *
 * <p>Versioned for bnd baselining: provider types may grow in a minor version.
 */
@Export
@Version("2.1.0")
package io.sluice.task;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

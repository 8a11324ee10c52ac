/**
 * What a plugin provides, and what its tasks see while they run.
 *
 * <p>A plugin contributes a task type by registering a {@link io.sluice.task.spi.TaskDefinition} service (the one
 * consumer type here: plugins implement it). While a task runs, Sluice hands it a
 * {@link io.sluice.task.spi.TaskContext}: its params, its cancellation signal, progress reporting and the scoped
 * clients of the user who scheduled it. An expected error is a {@link io.sluice.task.spi.TaskFailure}.
 *
 * <p>Split from {@code io.sluice.task} as Sling Event splits {@code jobs.consumer} from {@code jobs}: a plugin that only
 * calls Sluice imports a package whose provider types may grow in minor versions, while this package's consumer type
 * ({@code TaskDefinition}) changes only in a major one.
 */
@Export
@Version("1.0.0")
package io.sluice.task.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

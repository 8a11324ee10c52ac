/**
 * The Sluice task contracts.
 *
 * <p>Plugins contribute a task type by registering a {@link io.sluice.task.TaskDefinition} service.
 * Everything else here is implemented by Sluice: {@link io.sluice.task.TaskClient} schedules,
 * reads, cancels and acknowledges tasks; {@link io.sluice.task.TaskService} is the node's own view;
 * {@link io.sluice.task.TaskContext} is what a running task sees.
 *
 * <p>Versioned for bnd baselining: consumer types ({@code @ConsumerType}) may only change in a major
 * version, provider types ({@code @ProviderType}) may grow in a minor one.
 */
@Export
@Version("1.0.0")
package io.sluice.task;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

package io.sluice.scheduler.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Scheduler settings, PID {@code io.sluice.scheduler} ({@code etc/io.sluice.scheduler.cfg}). */
@ObjectClassDefinition(name = "Sluice scheduler", description = "How this node claims and runs tasks.")
public @interface SchedulerConfig {

    @AttributeDefinition(name = "Node id",
        description = "This node's name in task documents. Empty: <host name>-<karaf.name>. Must differ between nodes.")
    String nodeId() default "";

    @AttributeDefinition(name = "Capacity", description = "How many tasks this node runs at once.", min = "1")
    int capacity() default 10;
}

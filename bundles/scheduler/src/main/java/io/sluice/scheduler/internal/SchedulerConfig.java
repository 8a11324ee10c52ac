package io.sluice.scheduler.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Scheduler settings, PID {@code io.sluice.scheduler} ({@code etc/io.sluice.scheduler.cfg}). Changes apply at once. */
@ObjectClassDefinition(name = "Sluice scheduler", description = "How this node claims, runs and reports tasks.")
public @interface SchedulerConfig {

    @AttributeDefinition(name = "Node id",
        description = "This node's name in task documents. Empty: <host name>-<karaf.name>. Must differ between nodes.")
    String nodeId() default "";

    @AttributeDefinition(name = "Capacity", description = "How many tasks this node runs at once.", min = "1")
    int capacity() default 10;

    @AttributeDefinition(name = "Stale after (s)",
        description = "A running task whose node sent no heartbeat for this long, or a queued task no node claimed for "
            + "this long, is reported stale and may be taken over. At least three heartbeat intervals.", min = "1")
    int staleAfterSeconds() default 30;

    @AttributeDefinition(name = "Heartbeat interval (s)", description = "How often a node running a task writes a heartbeat.",
        min = "1")
    int heartbeatIntervalSeconds() default 10;

    @AttributeDefinition(name = "Max payload (bytes)",
        description = "A task whose result is larger as JSON fails with payload_too_large instead of being stored.",
        min = "1024")
    long maxPayloadBytes() default 10L * 1024 * 1024;
}

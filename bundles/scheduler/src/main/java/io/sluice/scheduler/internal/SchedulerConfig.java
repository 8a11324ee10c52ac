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

    @AttributeDefinition(name = "Lease renewal (s)",
        description = "How often this node renews its lease, the one sign of life other nodes judge it by.", min = "1")
    int leaseRenewalSeconds() default 2;

    @AttributeDefinition(name = "Lease lapses after (s)",
        description = "A node whose lease was not renewed for this long (by the observing node's clock) is gone: its "
            + "tasks are taken over at once. At least two renewal intervals.", min = "2")
    int leaseLapseSeconds() default 6;

    @AttributeDefinition(name = "Poll interval (ms)",
        description = "How often this node looks for queued tasks that other nodes scheduled or released.", min = "10")
    int pollIntervalMillis() default 500;

    @AttributeDefinition(name = "Cancel grace (s)",
        description = "How long a cancelled run may take to stop before its slot is freed and it is abandoned.", min = "0")
    int cancelGraceSeconds() default 10;

    @AttributeDefinition(name = "Retry backoff (ms)",
        description = "The wait before the first retry of a failed attempt; it doubles with each failure, with jitter.",
        min = "0")
    int retryBackoffMillis() default 1000;

    @AttributeDefinition(name = "Max retry backoff (s)", min = "0")
    int retryBackoffMaxSeconds() default 300;

    @AttributeDefinition(name = "Delete finished tasks after (days)",
        description = "Completed, failed, canceled and acknowledged tasks with no activity for this long are deleted.",
        min = "1")
    int cleanupAfterDays() default 7;

    @AttributeDefinition(name = "Max payload (bytes)",
        description = "A task whose result is larger as JSON fails with payload_too_large instead of being stored.",
        min = "1024")
    long maxPayloadBytes() default 10L * 1024 * 1024;
}

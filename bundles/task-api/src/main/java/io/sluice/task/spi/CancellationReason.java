package io.sluice.task.spi;

/** Why a run's {@link CancellationSignal} fired. */
public enum CancellationReason {
    /** A user cancelled the task. */
    CANCELED,
    /** The attempt ran past its {@link TaskDefinition#timeout()}. */
    TIMED_OUT,
    /** The bundle providing the task type went away; the task will run again when the type returns. */
    TYPE_UNREGISTERED,
    /** The task document changed under the run (rescheduled, or claimed by another node). */
    CLAIM_LOST,
    /** This node is shutting down; the task will run again on a node that has its type. */
    NODE_STOPPING
}

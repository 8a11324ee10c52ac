package io.sluice.task;

import java.util.Objects;

/**
 * Why a task failed.
 *
 * @param code a stable, machine-readable code ({@code timeout}, {@code node_lost}, a {@link io.sluice.task.spi.TaskFailure#code()}, ...)
 * @param message what went wrong, for the user
 */
public record TaskError(String code, String message) {
    /** Both fields are required. */
    public TaskError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}

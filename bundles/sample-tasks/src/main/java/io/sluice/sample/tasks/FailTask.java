package io.sluice.sample.tasks;

import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.spi.TaskFailure;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code sample_fail}: fails on demand, to see failures and retries. Params:
 * {@code {"expected": true}} fails at once with a {@link TaskFailure} (no retry);
 * {@code {"succeedOnAttempt": 3}} throws an unexpected error on attempts 1 and 2, then succeeds;
 * {@code {}} throws an unexpected error on every attempt, so the task fails after {@code maxAttempts}.
 */
@Component(service = TaskDefinition.class)
public final class FailTask implements TaskDefinition<FailTask.Params, Map<String, Object>> {

    /**
     * @param expected fail with an expected error (no retry)
     * @param succeedOnAttempt the attempt on which to succeed, or {@code null} for never
     * @param message the error message
     */
    public record Params(Boolean expected, Integer succeedOnAttempt, String message) {
        /** Defaults for what is left out. */
        public Params {
            expected = expected != null && expected;
            message = message == null ? "failed on purpose" : message;
        }
    }

    @Override
    public String type() {
        return "sample_fail";
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "Fails on demand (params: expected, succeedOnAttempt, message)";
    }

    @Override
    public Map<String, Object> run(TaskContext<Params> context) throws TaskFailure {
        Params params = context.params();
        if (params.expected()) {
            throw new TaskFailure("sample_failure", params.message());
        }
        if (params.succeedOnAttempt() != null && context.attempt() >= params.succeedOnAttempt()) {
            return Map.of("succeeded_on_attempt", context.attempt());
        }
        throw new IllegalStateException(params.message() + " (attempt " + context.attempt() + ")");
    }
}

package io.sluice.sample.tasks;

import io.sluice.task.InvalidParamsException;
import io.sluice.task.spi.TaskCancelledException;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import java.time.Duration;
import org.osgi.service.component.annotations.Component;

/**
 * {@code sample_sleep}: sleeps in small steps, reporting progress after each, and stops at once when cancelled.
 * Params: {@code {"steps": 10, "stepMillis": 500}}; {@code "ignoreCancel": true} makes it a stubborn task that sleeps on
 * through its cancellation, to see the scheduler's grace period at work (do not copy that part).
 */
@Component(service = TaskDefinition.class)
public final class SleepTask implements TaskDefinition<SleepTask.Params, SleepTask.Result> {

    /**
     * @param steps how many steps, 1 to 100000 (default 10)
     * @param stepMillis how long each step sleeps, 0 to 600000 ms (default 500)
     * @param ignoreCancel keep sleeping when cancelled (default false)
     */
    public record Params(Integer steps, Integer stepMillis, Boolean ignoreCancel) {
        /** Defaults for what is left out. */
        public Params {
            steps = steps == null ? 10 : steps;
            stepMillis = stepMillis == null ? 500 : stepMillis;
            ignoreCancel = ignoreCancel != null && ignoreCancel;
        }
    }

    /**
     * @param steps the steps taken
     * @param sleptMillis the time slept
     */
    public record Result(int steps, long sleptMillis) {
    }

    /**
     * @param step the steps done so far
     * @param of the steps in all
     */
    public record Progress(int step, int of) {
    }

    @Override
    public String type() {
        return "sample_sleep";
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "Sleeps in steps, reporting progress (params: steps, stepMillis)";
    }

    @Override
    public void validate(Params params) {
        if (params.steps() < 1 || params.steps() > 100_000) {
            throw new InvalidParamsException("steps", "must be between 1 and 100000, got " + params.steps());
        }
        if (params.stepMillis() < 0 || params.stepMillis() > 600_000) {
            throw new InvalidParamsException("stepMillis", "must be between 0 and 600000, got " + params.stepMillis());
        }
    }

    /** What a badly written task does: swallow interrupts and carry on. */
    private static void sleepThroughCancellation(long millis) {
        long until = System.nanoTime() + Duration.ofMillis(millis).toNanos();
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(Math.max(1, Duration.ofNanos(until - System.nanoTime()).toMillis()));
            } catch (InterruptedException ignored) {
                // deliberately ignored: this mode shows the grace period
            }
        }
    }

    @Override
    public Result run(TaskContext<Params> context) throws InterruptedException {
        Params params = context.params();
        long started = System.nanoTime();
        for (int step = 1; step <= params.steps(); step++) {
            if (params.ignoreCancel()) {
                sleepThroughCancellation(params.stepMillis());
            } else if (context.cancellation().await(Duration.ofMillis(params.stepMillis()))) {
                // await instead of Thread.sleep: returns at once when the task is cancelled.
                throw new TaskCancelledException(context.cancellation().reason().orElseThrow());
            }
            context.progress(new Progress(step, params.steps()));
        }
        context.logger().info("Slept {} steps", params.steps());
        return new Result(params.steps(), Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
}

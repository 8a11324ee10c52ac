package io.sluice.scheduler.internal;

import io.sluice.task.InvalidParamsException;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import java.util.List;
import java.util.Map;

/** The params of the test task type: a record, as plugins write them, with a default for {@code steps}. */
record SampleParams(Integer steps, Range range, List<String> tags) {

    SampleParams {
        steps = steps == null ? 1 : steps;
    }

    /** A nested object, to check that errors name nested fields. */
    record Range(long start, long end) {
    }

    /** The test task type. */
    static final class Definition implements TaskDefinition<SampleParams, Map<String, Object>> {
        private final String type;

        Definition(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Class<SampleParams> paramsType() {
            return SampleParams.class;
        }

        @Override
        public void validate(SampleParams params) {
            if (params.steps() < 0) {
                throw new InvalidParamsException("steps", "must be 0 or more, got " + params.steps());
            }
        }

        @Override
        public Map<String, Object> run(TaskContext<SampleParams> context) {
            return Map.of("steps", context.params().steps());
        }
    }
}

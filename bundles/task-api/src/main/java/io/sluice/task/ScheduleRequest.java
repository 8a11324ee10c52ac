package io.sluice.task;

import java.util.Objects;

/**
 * What to schedule. Build one with {@link #of(String)}:
 * <pre>{@code ScheduleRequest.of("sample_sleep").stream("logs").params(Map.of("steps", 10)).build()}</pre>
 *
 * @param type the task type
 * @param id the task id; {@code null} for stream tasks, whose id is {@code <type>_<stream>}
 * @param stream the stream the task works on, or {@code null}
 * @param params the params: a {@code Map}, a record of the type's params class, or {@code null} for none
 */
public record ScheduleRequest(String type, String id, String stream, Object params) {

    /** A type is required; so is an id or a stream. */
    public ScheduleRequest {
        Objects.requireNonNull(type, "type");
        if (id == null && stream == null) {
            throw new IllegalArgumentException("a task needs an id or a stream");
        }
    }

    /** The id this request addresses: the given id, or {@code <type>_<stream>}. */
    public String taskId() {
        return id != null ? id : type + "_" + stream;
    }

    /** Starts a request for the given type. */
    public static Builder of(String type) {
        return new Builder(type);
    }

    /** Builds a {@link ScheduleRequest}. */
    public static final class Builder {
        private final String type;
        private String id;
        private String stream;
        private Object params;

        private Builder(String type) {
            this.type = type;
        }

        /** Sets the task id (tasks without a stream need one). */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets the stream; the id then defaults to {@code <type>_<stream>}. */
        public Builder stream(String stream) {
            this.stream = stream;
            return this;
        }

        /** Sets the params. */
        public Builder params(Object params) {
            this.params = params;
            return this;
        }

        /** Makes the request. */
        public ScheduleRequest build() {
            return new ScheduleRequest(type, id, stream, params);
        }
    }
}

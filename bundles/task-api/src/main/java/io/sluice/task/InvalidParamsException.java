package io.sluice.task;

/** The params of a schedule do not fit the task type (HTTP 400). Nothing was written. */
public class InvalidParamsException extends TaskException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the offending field as a JSON path ({@code steps}, {@code range.start}), or {@code null}
     * @param message what is wrong with it
     */
    public InvalidParamsException(String field, String message) {
        super(field == null ? message : "invalid params: field '" + field + "': " + message);
        this.field = field;
    }

    /** The offending field, or {@code null} when the params as a whole are wrong. */
    public String field() {
        return field;
    }

    @Override
    public int statusCode() {
        return 400;
    }
}

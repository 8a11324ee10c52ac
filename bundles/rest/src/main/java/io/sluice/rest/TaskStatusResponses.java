package io.sluice.rest;

import io.sluice.auth.Caller;
import io.sluice.task.TaskStatusView;
import java.util.function.Function;
import javax.ws.rs.container.AsyncResponse;
import javax.ws.rs.core.HttpHeaders;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Answers status reads the way pollers need them, for any route that shows a task's status: every answer carries the
 * view's {@code ETag}; {@code If-None-Match} with the current tag answers 304; with {@code ?wait_for_change=30s} as
 * well, the answer waits until the view changes (or the wait ends, then 304), holding no thread while it waits.
 *
 * <pre>{@code
 * @GET @Path("{id}")
 * public void status(@PathParam("id") String id, @QueryParam("wait_for_change") String wait, @Context HttpHeaders headers,
 *                    @Context SecurityContext security, @Suspended AsyncResponse response) {
 *     statuses.answer(id, CallerPrincipal.caller(security), headers, wait, response, view -> view);
 * }
 * }</pre>
 */
@ProviderType
public interface TaskStatusResponses {

    /** The longest wait a poller may ask for: one minute. */
    java.time.Duration MAX_WAIT = java.time.Duration.ofMinutes(1);

    /**
     * Resumes {@code response} with the caller's view of the task: 200 and {@code render(view)} as the body, or 304.
     *
     * @param waitForChange {@code null}, or a duration such as {@code 500ms}, {@code 30s}, {@code 1m} (at most
     *     {@link #MAX_WAIT}); anything else is answered 400
     * @param render the body to send for a view (the view itself, or a route's own shape of it)
     */
    void answer(String id, Caller caller, HttpHeaders headers, String waitForChange, AsyncResponse response,
                Function<TaskStatusView, Object> render);
}

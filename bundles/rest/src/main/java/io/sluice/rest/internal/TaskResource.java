package io.sluice.rest.internal;

import io.sluice.auth.Caller;
import io.sluice.rest.CallerPrincipal;
import io.sluice.rest.TaskStatusResponses;
import io.sluice.task.NodeHealth;
import io.sluice.task.PageRequest;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.ScheduleResult;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskFilter;
import io.sluice.task.TaskPage;
import io.sluice.task.TaskService;
import io.sluice.task.TaskStatus;
import io.sluice.task.TaskStatusView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.ws.rs.core.EntityTag;
import io.sluice.task.TaskDocument;
import java.util.Map;
import java.util.Objects;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.NotFoundException;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.container.AsyncResponse;
import javax.ws.rs.container.Suspended;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * The task routes: the task API ({@link TaskClient}) over HTTP. They live with the HTTP edge rather than with the
 * scheduler so that a worker node (the scheduler without the edge) needs no JAX-RS at all. Every call acts for the
 * authenticated caller, in the space the URL names; a task the caller may not read is answered like an absent one.
 */
@Component(service = TaskResource.class)
@JaxrsResource
@Path("api/tasks")
@Produces(MediaType.APPLICATION_JSON)
public final class TaskResource {

    /** OpenSearch answers no page beyond this many hits. */
    static final int MAX_WINDOW = 10_000;

    private final TaskClient tasks;
    private final TaskService service;
    private final TaskStatusResponses statuses;

    /** Binds the task client, the node's task service and the status reads. */
    @Activate
    public TaskResource(@Reference TaskClient tasks, @Reference TaskService service, @Reference TaskStatusResponses statuses) {
        this.tasks = tasks;
        this.service = service;
        this.statuses = statuses;
    }

    /**
     * What {@code POST /api/tasks} takes.
     *
     * @param type the task type
     * @param stream the stream the task works on; its id is then {@code <type>_<stream>}
     * @param id the id of a task without a stream
     * @param params the params, as the type declares them
     */
    public record ScheduleBody(String type, String stream, String id, Map<String, Object> params) {
        /** A type is required, and a stream or an id. */
        public ScheduleBody {
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException("field 'type' is required");
            }
            if (stream == null && id == null) {
                throw new IllegalArgumentException("give a stream, or an id for a task without a stream");
            }
        }
    }

    /** The tasks the caller may see, newest first; with {@code If-None-Match} and {@code wait_for_change}, a long poll. */
    @GET
    @Operation(summary = "List tasks", description = "The tasks of the caller's space that the caller may read, newest "
        + "first. Listings see writes within about a second. ETag on every answer; If-None-Match with the current tag "
        + "answers 304; with wait_for_change (500ms, 30s, 1m) the answer waits until the page changes.")
    public void list(@QueryParam("type") String type, @QueryParam("status") String status,
                     @QueryParam("stream") String stream, @QueryParam("owner") String owner,
                     @QueryParam("from") Integer from, @QueryParam("size") Integer size,
                     @QueryParam("wait_for_change") String waitForChange, @Context HttpHeaders headers,
                     @Context SecurityContext security, @Parameter(hidden = true) @Suspended AsyncResponse response) {
        int first = from == null ? 0 : from;
        int count = size == null ? 50 : size;
        if (first < 0 || count < 1 || count > 1000 || first + (long) count > MAX_WINDOW) {
            throw new BadRequestException("from must be 0 or more and size 1 to 1000, with from + size at most " + MAX_WINDOW);
        }
        TaskStatus parsed;
        try {
            parsed = status == null ? null : TaskStatus.fromWireName(status);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("query parameter 'status' must be a stored status (not_started, in_progress, "
                + "being_canceled, canceled, failed, completed, acknowledged), got '" + status + "'");
        }
        Duration wait = NodeTaskStatusResponses.waitFor(waitForChange);
        List<String> known = headers.getRequestHeader(HttpHeaders.IF_NONE_MATCH);
        TaskFilter filter = new TaskFilter(type, parsed, stream, owner);
        PageRequest page = new PageRequest(first, count);
        Caller caller = CallerPrincipal.caller(security);
        TaskPage current = tasks.list(filter, page, caller);
        if (wait.isZero() || !matches(known, current.etag())) {
            response.resume(page(current, known));
            return;
        }
        response.setTimeout(wait.plusSeconds(15).toMillis(), TimeUnit.MILLISECONDS);
        tasks.listChange(filter, page, caller, current.etag(), wait).whenComplete((changed, error) -> {
            if (error != null) {
                response.resume(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            } else {
                response.resume(page(changed, known));
            }
        });
    }

    private static Response page(TaskPage page, List<String> known) {
        EntityTag tag = new EntityTag(page.etag().substring(1, page.etag().length() - 1));
        return matches(known, page.etag()) ? Response.notModified(tag).build() : Response.ok(page).tag(tag).build();
    }

    /** Whether {@code If-None-Match} holds the tag (weak or strong, in a list). */
    private static boolean matches(List<String> known, String etag) {
        if (known == null) {
            return false;
        }
        for (String header : known) {
            for (String tag : header.split(",")) {
                String trimmed = tag.trim();
                if (trimmed.startsWith("W/")) {
                    trimmed = trimmed.substring(2);
                }
                if (trimmed.equals(etag)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A task's history: its attempts, with their outcomes and times, and when it last completed, failed or was canceled. */
    @GET
    @Path("{id}/_history")
    @Operation(summary = "A task's history", description = "The attempt log of the current run and the times of the "
        + "last completion, failure, cancellation and acknowledgement.")
    public Map<String, Object> history(@PathParam("id") String id, @Context SecurityContext security) {
        TaskDocument task = tasks.get(id, CallerPrincipal.caller(security));
        if (task.status() == TaskStatus.NOT_STARTED) {
            throw new NotFoundException("no task " + id);
        }
        Map<String, Object> history = new java.util.LinkedHashMap<>();
        history.put("id", task.id());
        history.put("attempts", task.attempts());
        history.put("created_at", task.createdAt());
        if (task.lastCompletedAt() != null) {
            history.put("last_completed_at", task.lastCompletedAt());
        }
        if (task.lastFailedAt() != null) {
            history.put("last_failed_at", task.lastFailedAt());
        }
        if (task.lastCanceledAt() != null) {
            history.put("last_canceled_at", task.lastCanceledAt());
        }
        if (task.lastAcknowledgedAt() != null) {
            history.put("last_acknowledged_at", task.lastAcknowledgedAt());
        }
        return history;
    }

    /** Schedules a task; 201 when this call started a run, 200 when the task was running already and is unchanged. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Schedule a task", responses = {
        @ApiResponse(responseCode = "201", description = "a new run was started"),
        @ApiResponse(responseCode = "200", description = "the task was already running: nothing changed")})
    public Response schedule(ScheduleBody body, @Context SecurityContext security) {
        Caller caller = CallerPrincipal.caller(security);
        ScheduleResult result = tasks.schedule(ScheduleRequest.of(body.type()).stream(body.stream()).id(body.id())
            .params(body.params()).build(), caller);
        return Response.status(result.started() ? 201 : 200).entity(tasks.status(result.task().id(), caller)).build();
    }

    /** A task's status; with {@code If-None-Match} and {@code wait_for_change}, a long poll. */
    @GET
    @Path("{id}")
    @Operation(summary = "Read a task's status", description = "ETag on every answer; If-None-Match with the current tag "
        + "answers 304; with wait_for_change (500ms, 30s, 1m; at most 1m) the answer waits for a change.")
    public void status(@PathParam("id") String id, @QueryParam("wait_for_change") String waitForChange,
                       @Context HttpHeaders headers, @Context SecurityContext security,
                       @Parameter(hidden = true) @Suspended AsyncResponse response) {
        statuses.answer(id, CallerPrincipal.caller(security), headers, waitForChange, response, view -> view);
    }

    /** Asks a running task to stop. */
    @POST
    @Path("{id}/_cancel")
    @Operation(summary = "Cancel a task", description = "in_progress becomes being_canceled; other statuses are left alone.")
    public TaskStatusView cancel(@PathParam("id") String id, @Context SecurityContext security) {
        Caller caller = CallerPrincipal.caller(security);
        tasks.cancel(id, caller);
        return tasks.status(id, caller);
    }

    /** Marks a completed task's result as read. */
    @POST
    @Path("{id}/_acknowledge")
    @Operation(summary = "Acknowledge a completed task", description = "409 unless the task is completed.")
    public TaskStatusView acknowledge(@PathParam("id") String id, @Context SecurityContext security) {
        Caller caller = CallerPrincipal.caller(security);
        tasks.acknowledge(id, caller);
        return tasks.status(id, caller);
    }

    /** Deletes a task that is not running. */
    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a task", description = "409 while it runs (cancel it first); 404 if there is none.")
    public Map<String, Object> delete(@PathParam("id") String id, @Context SecurityContext security) {
        if (!tasks.delete(id, CallerPrincipal.caller(security))) {
            throw new NotFoundException("task " + id + " not found");
        }
        return Map.of("deleted", true, "id", id);
    }

    /** This node's health figures. */
    @GET
    @Path("_health")
    @Operation(summary = "Node health", description = "The figures of task:health.")
    public NodeHealth health(@Context SecurityContext security) {
        Objects.requireNonNull(CallerPrincipal.caller(security));
        return service.health();
    }
}

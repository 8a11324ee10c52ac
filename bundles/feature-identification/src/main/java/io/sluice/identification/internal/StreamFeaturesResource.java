package io.sluice.identification.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.auth.Caller;
import io.sluice.identification.Feature;
import io.sluice.identification.KeptFeature;
import io.sluice.identification.StreamFeatures;
import io.sluice.rest.CallerPrincipal;
import io.sluice.rest.TaskStatusResponses;
import io.sluice.streams.StreamLookup;
import io.sluice.streams.Streams;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskStatusView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * Kibana's feature routes for a stream:
 * <pre>
 * POST   /internal/streams/{name}/features/_identify   ?schedule&amp;from&amp;to | ?cancel | ?acknowledge | no flag: status
 * GET    /internal/streams/{name}/features/_status     ETag, If-None-Match, ?wait_for_change
 * POST   /internal/streams/{name}/features/_task       {"action": "schedule"|"cancel"|"acknowledge", "from", "to"}
 * GET    /internal/streams/{name}/features             the kept features
 * POST   /internal/streams/{name}/features             {"features": [...]}: keep these
 * DELETE /internal/streams/{name}/features/{id}        forget one
 * </pre>
 * Answers are {@code {"status": ...}} with, per status, the payload spread flat, the error, the progress or why the
 * task is stale. A stream the caller may not read answers 404 exactly like one that does not exist.
 */
@Component(service = StreamFeaturesResource.class)
@JaxrsResource
@Path("internal/streams/{name}/features")
@Produces(MediaType.APPLICATION_JSON)
public final class StreamFeaturesResource {

    private final TaskClient tasks;
    private final StreamLookup streams;
    private final TaskStatusResponses statuses;
    private final StreamFeatures features;

    /** Binds the task client, the stream lookup, the status reads and the kept features. */
    @Activate
    public StreamFeaturesResource(@Reference TaskClient tasks, @Reference StreamLookup streams,
                                  @Reference TaskStatusResponses statuses, @Reference StreamFeatures features) {
        this.tasks = tasks;
        this.streams = streams;
        this.statuses = statuses;
        this.features = features;
    }

    /**
     * A feature to keep, as identification returned it; only {@code name} and {@code filter} are required. A
     * {@code query} sent along is ignored: the stored one is always made from the filter.
     */
    public record FeatureBody(String type, String name, String description, Map<String, Object> filter,
                              Map<String, Object> query, Map<String, Object> evidence, Integer confidence, String level,
                              String parent, Long count) {
        Feature toFeature(int index) {
            if (name == null || filter == null) {
                throw new BadRequestException("features[" + index + "]: 'name' and 'filter' are required");
            }
            if (confidence != null && (confidence < 0 || confidence > 100)) {
                throw new BadRequestException("features[" + index + "]: 'confidence' must be 0 to 100");
            }
            return new Feature(type == null ? Feature.SYSTEM : type, name, description == null ? "" : description, filter,
                Map.of(), evidence == null ? Map.of() : evidence, confidence == null ? 0 : confidence, level, parent,
                count == null ? 0 : count);
        }
    }

    /** What {@code POST .../features} takes. */
    public record KeepBody(List<FeatureBody> features) {
    }

    /** What the kept-feature routes answer. */
    public record KeptList(List<KeptFeature> features) {
    }

    /** The kept features. */
    @GET
    @Operation(summary = "Kept features of a stream")
    public KeptList kept(@PathParam("name") String name, @Context SecurityContext security) {
        return new KeptList(features.list(CallerPrincipal.caller(security), name));
    }

    /** Keeps features (replacing kept ones of the same name). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Keep features of a stream", description = "Needs manage on the stream. Each feature needs a "
        + "name and a filter in Kibana's condition shape; its query is made from the filter.")
    public KeptList keep(@PathParam("name") String name, KeepBody body, @Context SecurityContext security) {
        if (body.features() == null) {
            throw new BadRequestException("field 'features' is required: a list of features to keep");
        }
        List<Feature> chosen = new java.util.ArrayList<>();
        for (int i = 0; i < body.features().size(); i++) {
            if (body.features().get(i) == null) {
                throw new BadRequestException("features[" + i + "] is null");
            }
            chosen.add(body.features().get(i).toFeature(i));
        }
        return new KeptList(features.keep(CallerPrincipal.caller(security), name, chosen));
    }

    /** Forgets a kept feature. */
    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a kept feature", description = "404 when no kept feature of the stream has that id.")
    public Map<String, Object> delete(@PathParam("name") String name, @PathParam("id") String id,
                                      @Context SecurityContext security) {
        if (!features.delete(CallerPrincipal.caller(security), name, id)) {
            throw new NotFoundException("no kept feature " + id + " in stream " + name);
        }
        return Map.of("deleted", id);
    }

    /**
     * What {@code _task} takes.
     *
     * @param action schedule, cancel or acknowledge
     * @param from the start of the time range to identify, epoch milliseconds (schedule only)
     * @param to the end of the time range, epoch milliseconds (schedule only)
     * @param sampleSize how many documents to sample, 1 to 10,000 (schedule only; default 1,000)
     */
    public record TaskBody(String action, Long from, Long to, @JsonProperty("sample_size") Integer sampleSize) {
        /** The action is required and one of the three. */
        public TaskBody {
            if (action == null) {
                throw new IllegalArgumentException("field 'action' is required: schedule, cancel or acknowledge");
            }
            if (!action.equals("schedule") && !action.equals("cancel") && !action.equals("acknowledge")) {
                throw new IllegalArgumentException("unknown action '" + action + "'; the actions are schedule, cancel, acknowledge");
            }
        }
    }

    /** Kibana's combined route: one flag acts, no flag reads the status. */
    @POST
    @Path("_identify")
    @Operation(summary = "Identify a stream's features", description = "schedule (with from and to, epoch ms, and "
        + "optionally sample_size, 1 to 10000), cancel or acknowledge; with no flag, the status.")
    public Map<String, Object> identify(@PathParam("name") String name, @QueryParam("schedule") String schedule,
                                        @QueryParam("cancel") String cancel, @QueryParam("acknowledge") String acknowledge,
                                        @QueryParam("from") Long from, @QueryParam("to") Long to,
                                        @QueryParam("sample_size") Integer sampleSize,
                                        @Context UriInfo uri, @Context SecurityContext security) {
        Caller caller = CallerPrincipal.caller(security);
        requireReadable(name, caller);
        // The declared String params document the flags; a flag given without a value (?schedule) reaches a route only
        // through the query map, so read them from there.
        MultivaluedMap<String, String> query = uri.getQueryParameters(true);
        boolean scheduling = flag("schedule", query);
        boolean canceling = flag("cancel", query);
        boolean acknowledging = flag("acknowledge", query);
        if ((scheduling ? 1 : 0) + (canceling ? 1 : 0) + (acknowledging ? 1 : 0) > 1) {
            throw new BadRequestException("give at most one of schedule, cancel, acknowledge");
        }
        String action = scheduling ? "schedule" : canceling ? "cancel" : acknowledging ? "acknowledge" : null;
        if (action == null) {
            return view(tasks.status(taskId(name), caller));
        }
        return act(action, name, from, to, sampleSize, caller);
    }

    /** The status, with ETag and long polling. */
    @GET
    @Path("_status")
    @Operation(summary = "Feature identification status", description = "ETag; If-None-Match answers 304; "
        + "wait_for_change (500ms, 30s, 1m) waits for a change.")
    public void status(@PathParam("name") String name, @QueryParam("wait_for_change") String waitForChange,
                       @Context HttpHeaders headers, @Context SecurityContext security,
                       @Parameter(hidden = true) @Suspended AsyncResponse response) {
        Caller caller = CallerPrincipal.caller(security);
        requireReadable(name, caller);
        statuses.answer(taskId(name), caller, headers, waitForChange, response, StreamFeaturesResource::view);
    }

    /** The split form: the action in the body. */
    @POST
    @Path("_task")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Act on the feature identification task")
    public Map<String, Object> task(@PathParam("name") String name, TaskBody body, @Context SecurityContext security) {
        Caller caller = CallerPrincipal.caller(security);
        requireReadable(name, caller);
        return act(body.action(), name, body.from(), body.to(), body.sampleSize(), caller);
    }

    private Map<String, Object> act(String action, String stream, Long from, Long to, Integer sampleSize, Caller caller) {
        String id = taskId(stream);
        switch (action) {
            case "schedule" -> {
                if (from == null || to == null) {
                    throw new BadRequestException("schedule needs from and to (epoch milliseconds)");
                }
                if (from >= to) {
                    throw new BadRequestException("from must be before to");
                }
                Map<String, Object> params = new LinkedHashMap<>(Map.of("start", from, "end", to));
                if (sampleSize != null) {
                    params.put("sample_size", sampleSize);
                }
                tasks.schedule(ScheduleRequest.of(StreamFeatures.IDENTIFICATION_TYPE).stream(stream).params(params).build(), caller);
            }
            case "cancel" -> tasks.cancel(id, caller);
            default -> tasks.acknowledge(id, caller);
        }
        return view(tasks.status(id, caller));
    }

    /** A malformed name is a 400; a stream the caller may not read, or that does not exist, is the same 404. */
    private void requireReadable(String stream, Caller caller) {
        Streams.checkName(stream);
        if (!streams.readable(caller, stream)) {
            throw new NotFoundException("stream " + stream + " not found");
        }
    }

    private static String taskId(String stream) {
        return StreamFeatures.IDENTIFICATION_TYPE + "_" + stream;
    }

    /** A Kibana flag: absent or {@code false} is off; {@code ?schedule} or {@code ?schedule=true} is on. */
    private static boolean flag(String name, MultivaluedMap<String, String> query) {
        if (!query.containsKey(name)) {
            return false;
        }
        String value = query.getFirst(name) == null ? "" : query.getFirst(name);
        if (value.equals("false")) {
            return false;
        }
        if (value.isEmpty() || value.equals("true")) {
            return true;
        }
        throw new BadRequestException("query flag '" + name + "' must be true or false, got '" + value + "'");
    }

    /** Kibana's shape: {@code status}, and the payload spread flat, the error, the progress or the stale reason. */
    static Map<String, Object> view(TaskStatusView status) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (status.payload() != null) {
            body.putAll(status.payload());
        }
        body.put("status", status.status().wireName());
        if (status.error() != null) {
            body.put("error", status.error());
        }
        if (status.progress() != null) {
            body.put("progress", status.progress());
        }
        if (status.staleReason() != null) {
            body.put("stale_reason", status.staleReason());
        }
        return body;
    }
}

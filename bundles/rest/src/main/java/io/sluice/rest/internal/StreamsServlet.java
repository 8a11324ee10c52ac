package io.sluice.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.auth.AccessPolicy;
import io.sluice.auth.Authenticator;
import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.streams.StreamLookup;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskStatusView;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The stream feature identification routes, shaped as Kibana's:
 * <pre>
 * POST /internal/streams/{name}/features/_identify   ?schedule&amp;from=&amp;to= | ?cancel | ?acknowledge | (none: status)
 * GET  /internal/streams/{name}/features/_status
 * POST /internal/streams/{name}/features/_task       {"action": "schedule"|"cancel"|"acknowledge", "from", "to"}
 * </pre>
 * A stream the caller may not read answers 404 exactly like one that does not exist. Answers carry {@code status} and,
 * per status, the payload spread flat, the error, or the stale reason.
 *
 * <p>These routes are served here rather than by the streams bundle, so that all HTTP handling (authentication, limits,
 * errors) lives in one bundle; the streams bundle provides the lookup and, later, the task type.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("sluice-streams")
@HttpWhiteboardServletPattern("/internal/streams/*")
public final class StreamsServlet extends RouteServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern STREAM = Pattern.compile("[a-z0-9][a-z0-9._-]{0,254}");
    private static final Set<String> TASK_FIELDS = Set.of("action", "from", "to");

    private final transient TaskClient tasks;
    private final transient AccessPolicy access;
    private final transient StreamLookup streams;
    private final transient StatusPolling polling = new StatusPolling(json);

    /** Binds the task client, the access policy, the stream lookup and the authenticator. */
    @Activate
    public StreamsServlet(@Reference TaskClient tasks, @Reference AccessPolicy access, @Reference StreamLookup streams,
                          @Reference Authenticator authenticator) {
        super(authenticator);
        this.tasks = tasks;
        this.access = access;
        this.streams = streams;
    }

    @Override
    void handle(String method, String path, Caller caller, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        String[] p = path.replaceFirst("^/", "").split("/", -1);
        if (p.length != 3 || !p[1].equals("features")) {
            throw notFound(method, "/internal/streams" + path);
        }
        String stream = p[0];
        String route = p[2];
        if (!Set.of("_identify", "_status", "_task").contains(route)) {
            throw notFound(method, "/internal/streams" + path);
        }
        if (!method.equals(route.equals("_status") ? "GET" : "POST")) {
            throw methodNotAllowed(method, "/internal/streams" + path);
        }
        requireReadableStream(stream, caller);
        String taskId = StreamLookup.FEATURE_IDENTIFICATION + "_" + stream;
        switch (route) {
            case "_status" -> polling.answer(request, response, () -> view(tasks.status(taskId, caller)));
            case "_identify" -> identify(stream, taskId, caller, request, response);
            default -> task(stream, taskId, caller, request, response);
        }
    }

    private void identify(String stream, String taskId, Caller caller, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        bodies.object(request, false);
        boolean schedule = flag(request, "schedule");
        boolean cancel = flag(request, "cancel");
        boolean acknowledge = flag(request, "acknowledge");
        if ((schedule ? 1 : 0) + (cancel ? 1 : 0) + (acknowledge ? 1 : 0) > 1) {
            throw new HttpError(400, "give at most one of schedule, cancel, acknowledge");
        }
        String action = schedule ? "schedule" : cancel ? "cancel" : acknowledge ? "acknowledge" : null;
        if (action == null) {
            polling.answer(request, response, () -> view(tasks.status(taskId, caller)));
            return;
        }
        act(action, stream, taskId, caller, number(request.getParameter("from"), "from"),
            number(request.getParameter("to"), "to"), response);
    }

    private void task(String stream, String taskId, Caller caller, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        JsonNode body = bodies.object(request, true);
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TASK_FIELDS.contains(name)) {
                throw new HttpError(400, "unknown field '" + name + "'; the fields are action, from, to");
            }
        }
        JsonNode action = body.get("action");
        if (action == null || !action.isTextual()) {
            throw new HttpError(400, "field 'action' is required: schedule, cancel or acknowledge");
        }
        if (!Set.of("schedule", "cancel", "acknowledge").contains(action.asText())) {
            throw new HttpError(400, "unknown action '" + action.asText() + "'; the actions are schedule, cancel, acknowledge");
        }
        act(action.asText(), stream, taskId, caller, number(body.get("from"), "from"), number(body.get("to"), "to"), response);
    }

    private void act(String action, String stream, String taskId, Caller caller, Long from, Long to,
                     HttpServletResponse response) throws IOException {
        // The stream is known here even when its task is not: every change needs manage on it, so a reader is told 403
        // rather than what an absent task would answer.
        if (!access.allows(caller, Privilege.MANAGE, stream)) {
            throw new HttpError(403, "user " + caller.user() + " may not manage tasks of stream '" + stream + "'");
        }
        switch (action) {
            case "schedule" -> {
                if (from == null || to == null) {
                    throw new HttpError(400, "schedule needs from and to (epoch milliseconds)");
                }
                if (from >= to) {
                    throw new HttpError(400, "from must be before to");
                }
                tasks.schedule(ScheduleRequest.of(StreamLookup.FEATURE_IDENTIFICATION).stream(stream)
                    .params(Map.of("start", from, "end", to)).build(), caller);
            }
            case "cancel" -> tasks.cancel(taskId, caller);
            default -> tasks.acknowledge(taskId, caller);
        }
        json.write(response, 200, view(tasks.status(taskId, caller)));
    }

    /** A stream that is malformed is a 400; one the caller may not read, or that does not exist, is the same 404. */
    private void requireReadableStream(String stream, Caller caller) {
        if (!STREAM.matcher(stream).matches() || stream.contains("..")) {
            throw new HttpError(400, "'" + stream + "' is not a stream name: 1 to 255 of a-z 0-9 . _ - starting with a "
                + "letter or digit");
        }
        if (!streams.readable(caller, stream)) {
            throw new HttpError(404, "stream " + stream + " not found");
        }
    }

    /** Kibana's shape: {@code status}, and the payload spread flat, the error, the progress or the stale reason. */
    private ObjectNode view(TaskStatusView status) {
        ObjectNode body = json.mapper().createObjectNode().put("status", status.status().wireName());
        if (status.payload() != null) {
            body.setAll((ObjectNode) json.mapper().valueToTree(status.payload()));
            body.put("status", status.status().wireName());
        }
        if (status.error() != null) {
            body.set("error", json.mapper().valueToTree(status.error()));
        }
        if (status.progress() != null) {
            body.set("progress", json.mapper().valueToTree(status.progress()));
        }
        if (status.staleReason() != null) {
            body.put("stale_reason", status.staleReason());
        }
        return body;
    }

    private static boolean flag(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.isEmpty() || value.equals("true")) {
            return true;
        }
        throw new HttpError(400, "query flag '" + name + "' must be true or false, got '" + value + "'");
    }

    private static Long number(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "'" + name + "' must be epoch milliseconds, got '" + value + "'");
        }
    }

    private static Long number(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            throw new HttpError(400, "field '" + name + "' must be epoch milliseconds (an integer)");
        }
        return value.asLong();
    }
}

package io.sluice.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.auth.Authenticator;
import io.sluice.auth.Caller;
import io.sluice.task.PageRequest;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskFilter;
import io.sluice.task.TaskService;
import io.sluice.task.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The task API:
 * <pre>
 * GET  /api/tasks                     ?type &amp;status &amp;stream &amp;owner &amp;from &amp;size
 * POST /api/tasks                     {"type", "stream"?, "id"?, "params"?}
 * GET  /api/tasks/{id}                ETag, If-None-Match, ?wait_for_change=30s
 * POST /api/tasks/{id}/_cancel
 * POST /api/tasks/{id}/_acknowledge
 * GET  /api/tasks/_health
 * GET  /api/task_types
 * GET  /api/openapi.json
 * </pre>
 * Every route needs credentials ({@code /api/status}, the health probe, is another servlet).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("sluice-api")
@HttpWhiteboardServletPattern("/api/*")
public final class TasksServlet extends RouteServlet {
    private static final long serialVersionUID = 1L;
    private static final Set<String> SCHEDULE_FIELDS = Set.of("type", "stream", "id", "params");

    private final transient TaskClient tasks;
    private final transient TaskService service;
    private final transient StatusPolling polling = new StatusPolling(json);
    private final byte[] openApi;

    /** Binds the task client and service, and the authenticator. */
    @Activate
    public TasksServlet(@Reference TaskClient tasks, @Reference TaskService service, @Reference Authenticator authenticator)
        throws IOException {
        super(authenticator);
        this.tasks = tasks;
        this.service = service;
        try (InputStream in = TasksServlet.class.getResourceAsStream("openapi.json")) {
            this.openApi = in.readAllBytes();
        }
    }

    @Override
    void handle(String method, String path, Caller caller, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        String[] p = path.replaceFirst("^/", "").split("/", -1);
        if (p.length == 1 && p[0].equals("tasks")) {
            switch (method) {
                case "GET" -> list(caller, request, response);
                case "POST" -> schedule(caller, request, response);
                default -> throw methodNotAllowed(method, "/api/tasks");
            }
        } else if (p.length == 2 && p[0].equals("tasks") && p[1].equals("_health")) {
            requireMethod(method, "GET", path);
            json.write(response, 200, service.health());
        } else if (p.length == 2 && p[0].equals("tasks")) {
            requireMethod(method, "GET", path);
            polling.answer(request, response, () -> tasks.status(p[1], caller));
        } else if (p.length == 3 && p[0].equals("tasks") && p[2].equals("_cancel")) {
            requireMethod(method, "POST", path);
            bodies.object(request, false);
            tasks.cancel(p[1], caller);
            json.write(response, 200, tasks.status(p[1], caller));
        } else if (p.length == 3 && p[0].equals("tasks") && p[2].equals("_acknowledge")) {
            requireMethod(method, "POST", path);
            bodies.object(request, false);
            tasks.acknowledge(p[1], caller);
            json.write(response, 200, tasks.status(p[1], caller));
        } else if (p.length == 1 && p[0].equals("task_types")) {
            requireMethod(method, "GET", path);
            json.write(response, 200, service.types());
        } else if (p.length == 1 && p[0].equals("openapi.json")) {
            requireMethod(method, "GET", path);
            json.send(response, 200, openApi);
        } else {
            throw notFound(method, "/api" + path);
        }
    }

    private void list(Caller caller, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String status = request.getParameter("status");
        TaskFilter filter = new TaskFilter(request.getParameter("type"), status == null ? null : TaskStatus.fromWireName(status),
            request.getParameter("stream"), request.getParameter("owner"));
        PageRequest page = new PageRequest(intParam(request, "from", 0), intParam(request, "size", 50));
        json.write(response, 200, tasks.list(filter, page, caller));
    }

    private void schedule(Caller caller, HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = bodies.object(request, true);
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SCHEDULE_FIELDS.contains(name)) {
                throw new HttpError(400, "unknown field '" + name + "'; the fields are type, stream, id, params");
            }
        }
        String type = text(body, "type", true);
        String stream = text(body, "stream", false);
        String id = text(body, "id", false);
        if (stream == null && id == null) {
            throw new HttpError(400, "give a stream, or an id for a task without a stream");
        }
        JsonNode params = body.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new HttpError(400, "field 'params' must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> paramsMap = params == null || params.isNull() ? null : json.mapper().convertValue(params, Map.class);
        TaskDocument task = tasks.schedule(ScheduleRequest.of(type).stream(stream).id(id).params(paramsMap).build(), caller);
        json.write(response, 200, tasks.status(task.id(), caller));
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new HttpError(400, "field '" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new HttpError(400, "field '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static void requireMethod(String method, String expected, String path) {
        if (!method.equals(expected)) {
            throw methodNotAllowed(method, "/api" + path);
        }
    }
}

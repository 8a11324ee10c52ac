package io.sluice.rest.internal;

import io.sluice.task.NodeHealth;
import io.sluice.task.TaskService;
import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/status}: the health probe, and the one route that answers without authentication (load balancers
 * and {@code ./sluice status} call it). 200 while the task store is usable, 503 otherwise. The body says only that, the
 * node id and the store's health: the full figures ({@code /api/tasks/_health}) need credentials.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("sluice-status")
@HttpWhiteboardServletPattern("/api/status")
public final class StatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient TaskService tasks;
    private final transient HttpJson json = new HttpJson();

    /** Binds the node's task service. */
    @Activate
    public StatusServlet(@Reference TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NodeHealth health = tasks.health();
        // Unauthenticated: only whether the node can serve, never task data.
        json.write(response, health.storeAvailable() ? 200 : 503, java.util.Map.of(
            "status", health.storeAvailable() ? "available" : "unavailable",
            "node_id", health.nodeId(),
            "store_status", health.storeStatus()));
    }
}

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
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/status}: the health probe, and the one route that answers without authentication (load balancers
 * and {@code ./sluice status} call it). 200 while the task store is usable, 503 otherwise; the body is the node's
 * {@link NodeHealth}, which holds no secrets.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/status")
public final class StatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient TaskService tasks;
    private final transient JsonResponses json = new JsonResponses();

    /** Binds the node's task service. */
    @Activate
    public StatusServlet(@Reference TaskService tasks) {
        this.tasks = tasks;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NodeHealth health = tasks.health();
        response.setHeader("Cache-Control", "no-store");
        json.write(response, health.storeAvailable() ? 200 : 503, health);
    }
}

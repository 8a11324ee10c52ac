package io.sluice.rest.internal;

import io.sluice.security.Authenticator;
import io.sluice.task.NodeHealth;
import io.sluice.task.TaskService;
import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/status}: the health probe, and the one route that answers without authentication (load balancers
 * and {@code ./sluice status} call it). 200 while the task store is usable and requests can be authenticated, 503
 * otherwise: {@code ./sluice start} waits for this, so a node it calls up answers its first authenticated request. The
 * body says only that, the node id and the store's health: the full figures ({@code /api/tasks/_health}) need
 * credentials.
 */
@Component(service = StatusResource.class)
@JaxrsResource
@Path("api/status")
public final class StatusResource {

    private final TaskService tasks;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Authenticator authenticator;

    /** Binds the node's task service. */
    @Activate
    public StatusResource(@Reference TaskService tasks) {
        this.tasks = tasks;
    }

    /** Whether this node can serve. */
    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        NodeHealth health = tasks.health();
        boolean authenticating = authenticator != null;
        boolean available = health.storeAvailable() && authenticating;
        return Response.status(available ? 200 : 503).entity(Map.of(
            "status", available ? "available" : "unavailable",
            "node_id", health.nodeId(),
            "store_status", health.storeStatus(),
            "authentication", authenticating ? "available" : "starting")).build();
    }
}

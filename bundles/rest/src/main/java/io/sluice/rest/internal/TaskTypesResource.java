package io.sluice.rest.internal;

import io.sluice.rest.CallerPrincipal;
import io.sluice.task.TaskService;
import io.sluice.task.TaskTypeInfo;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Objects;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /api/task_types}: the task types this node can run now, and the bundles that provide them. */
@Component(service = TaskTypesResource.class)
@JaxrsResource
@Path("api/task_types")
public final class TaskTypesResource {

    private final TaskService service;

    /** Binds the node's task service. */
    @Activate
    public TaskTypesResource(@Reference TaskService service) {
        this.service = service;
    }

    /** The installed task types, sorted by type. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List task types")
    public List<TaskTypeInfo> types(@Context SecurityContext security) {
        Objects.requireNonNull(CallerPrincipal.caller(security));
        return service.types();
    }
}

package io.sluice.sample.tasks;

import io.sluice.auth.Caller;
import io.sluice.rest.CallerPrincipal;
import java.util.Map;
import java.util.TreeSet;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/sample/whoami}: the example of a plugin's own route. Publishing a JAX-RS resource service is all it
 * takes: Sluice authenticates the request, names the caller and its space, turns errors into its JSON error body and
 * lists the route in {@code /api/openapi.json}; stopping the bundle removes the route.
 */
@Component(service = WhoAmIResource.class)
@JaxrsResource
@Path("api/sample")
public final class WhoAmIResource {

    /** Who is asking, and in which space. */
    @GET
    @Path("whoami")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> whoAmI(@Context SecurityContext security) {
        Caller caller = CallerPrincipal.caller(security);
        return Map.of("user", caller.user(), "space", caller.space(), "roles", new TreeSet<>(caller.roles()),
            "authentication", caller.authentication().name().toLowerCase(java.util.Locale.ROOT));
    }
}

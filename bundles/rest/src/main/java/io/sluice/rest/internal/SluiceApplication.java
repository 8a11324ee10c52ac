package io.sluice.rest.internal;

import io.sluice.security.Authenticator;
import java.util.Set;
import javax.ws.rs.core.Application;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationBase;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The JAX-RS application every Sluice route joins. It replaces the whiteboard's default application ({@code .default}),
 * so a resource registered by any bundle with nothing but {@code osgi.jaxrs.resource=true} lands here, and is served only
 * while this application, with its authentication, is.
 *
 * <p>What it adds to every route, in order: {@link RequestPaths} (ambiguous paths, undecodable queries, spaces in
 * URLs), {@link Authentication}, {@link QueryParameters}, {@link StrictParams}, {@link JsonBodies},
 * {@link ErrorResponses} and {@link ResponseHeaders}. They are the application's own providers rather than whiteboard
 * extensions, so no route can ever be served without them.
 */
@Component(service = Application.class, configurationPid = "io.sluice.rest", property = "service.ranking:Integer=100")
@JaxrsName(".default")
@JaxrsApplicationBase("/")
@Designate(ocd = RestConfig.class)
public final class SluiceApplication extends Application {

    private final Set<Object> providers;
    private volatile JaxrsServiceRuntime runtime;

    /** Makes the providers; the authenticator checks every request's credentials. */
    @Activate
    public SluiceApplication(@Reference Authenticator authenticator, RestConfig config) {
        HttpJson json = new HttpJson();
        RouteTable routes = new RouteTable(() -> runtime);
        this.providers = Set.of(new RequestPaths(), new Authentication(authenticator), new QueryParameters(),
            new StrictParams(), new JsonBodies(json.mapper(), config.maxBodyBytes()), new ErrorResponses(routes),
            new ResponseHeaders(routes));
    }

    /** The whiteboard's runtime, which knows the routes it serves (for {@code Allow} headers). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(JaxrsServiceRuntime service) {
        runtime = service;
    }

    void unbindRuntime(JaxrsServiceRuntime service) {
        if (runtime == service) {
            runtime = null;
        }
    }

    @Override
    public Set<Object> getSingletons() {
        return providers;
    }
}

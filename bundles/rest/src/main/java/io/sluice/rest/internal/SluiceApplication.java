package io.sluice.rest.internal;

import io.sluice.security.Authenticator;
import java.util.Set;
import javax.ws.rs.core.Application;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
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
 * URLs), {@link XsrfHeader} (Kibana's {@code kbn-xsrf} rule), {@link Authentication}, {@link QueryParameters}, {@link StrictParams}, {@link JsonBodies},
 * {@link ErrorResponses} and {@link ResponseHeaders}. They are the application's own providers rather than whiteboard
 * extensions, so no route can ever be served without them.
 */
@Component(service = Application.class, configurationPid = "io.sluice.rest", property = "service.ranking:Integer=100")
@JaxrsName(".default")
@JaxrsApplicationBase("/")
@Designate(ocd = RestConfig.class)
public final class SluiceApplication extends Application {

    private final Set<Object> providers;
    private final JsonBodies bodies;
    private final BundleContext context;
    private final SynchronousBundleListener stoppingBundles;
    private volatile JaxrsServiceRuntime runtime;
    private volatile Authenticator authenticator;

    /**
     * Makes the providers. The application never restarts while the bundle runs: a restart would take every route
     * away for a moment. Settings apply through {@link #modified}, and the authenticator is followed dynamically (while
     * none is bound, requests that need one answer 503).
     */
    @Activate
    public SluiceApplication(RestConfig config, BundleContext context) {
        HttpJson json = new HttpJson();
        RouteTable routes = new RouteTable(() -> runtime);
        this.bodies = new JsonBodies(json.mapper(), config.maxBodyBytes());
        this.providers = Set.of(new RequestPaths(), new XsrfHeader(), new Authentication(() -> authenticator), new QueryParameters(),
            new StrictParams(), bodies, new ErrorResponses(routes), new ResponseHeaders(routes));
        this.context = context;
        this.stoppingBundles = event -> {
            if (event.getType() == BundleEvent.STOPPING) {
                BundleWiring wiring = event.getBundle().adapt(BundleWiring.class);
                if (wiring != null && wiring.getClassLoader() != null) {
                    bodies.forget(wiring.getClassLoader());
                }
            }
        };
        context.addBundleListener(stoppingBundles);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(stoppingBundles);
    }

    /** A changed body limit applies from the next request. */
    @Modified
    void modified(RestConfig config) {
        bodies.maxBytes(config.maxBodyBytes());
    }

    /** The authenticator that checks every request's credentials; a newer one replaces the old one in place. */
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
        cardinality = ReferenceCardinality.OPTIONAL)
    void bindAuthenticator(Authenticator service) {
        authenticator = service;
    }

    void unbindAuthenticator(Authenticator service) {
        if (authenticator == service) {
            authenticator = null;
        }
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

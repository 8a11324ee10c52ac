package io.sluice.metrics.internal;

import io.swagger.v3.oas.annotations.Operation;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/metrics}: the node's meters in Prometheus text format, for any authenticated user (as
 * {@code /api/tasks/_health} is). A Prometheus scrape job sets {@code basic_auth} or an API key header.
 */
@Component(service = MetricsResource.class)
@JaxrsResource
@Path("api/metrics")
public final class MetricsResource {

    /** The content type Prometheus asks for and understands. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final NodeMeterRegistry registry;

    /** Binds the node's registry. */
    @Activate
    public MetricsResource(@Reference NodeMeterRegistry registry) {
        this.registry = registry;
    }

    /** Every meter of this node. */
    @GET
    @Produces(PROMETHEUS_TEXT)
    @Operation(summary = "Node metrics", description = "Counters, latency histograms and the health figures of this node, "
        + "in Prometheus text format")
    public String metrics() {
        return registry.scrape();
    }
}

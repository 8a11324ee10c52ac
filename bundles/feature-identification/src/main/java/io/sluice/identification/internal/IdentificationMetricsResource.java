package io.sluice.identification.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /internal/streams/_metrics}: this node's feature identification counters (any authenticated user). */
@Component(service = IdentificationMetricsResource.class)
@JaxrsResource
@Path("internal/streams/_metrics")
@Produces(MediaType.APPLICATION_JSON)
public final class IdentificationMetricsResource {

    private final IdentificationTelemetry telemetry;

    /** Binds the counters. */
    @Activate
    public IdentificationMetricsResource(@Reference IdentificationTelemetry telemetry) {
        this.telemetry = telemetry;
    }

    /** Runs, features found and time spent since the node started. */
    @GET
    @Operation(summary = "Feature identification metrics of this node")
    public Map<String, Object> metrics() {
        return Map.of("feature_identification", telemetry.snapshot());
    }
}

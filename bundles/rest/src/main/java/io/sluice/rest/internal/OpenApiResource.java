package io.sluice.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/openapi.json}: the OpenAPI document of every route this node serves right now, generated (by
 * swagger-core's JAX-RS reader) from the classes of the resources the JAX-RS whiteboard reports as served. A plugin's
 * routes appear when its bundle starts and vanish when it stops; nothing here is written by hand. The document is kept
 * until the whiteboard's change count moves.
 */
@Component(service = OpenApiResource.class)
@JaxrsResource
@Path("api/openapi.json")
public final class OpenApiResource {

    private final BundleContext context;
    private final ModelConverter snakeCase;
    private volatile JaxrsServiceRuntime runtime;
    private volatile ServiceReference<JaxrsServiceRuntime> runtimeReference;
    private volatile Cached cached;

    /** The document, and the runtime change count it was made at. */
    private record Cached(Object changeCount, String document) {
    }

    /** Teaches swagger Sluice's JSON naming, so that documented bodies match what routes send. */
    @Activate
    public OpenApiResource(BundleContext context) {
        this.context = context;
        ObjectMapper mapper = Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        this.snakeCase = new ModelResolver(mapper);
        ModelConverters.getInstance(false).addConverter(snakeCase);
    }

    @Deactivate
    void deactivate() {
        ModelConverters.getInstance(false).removeConverter(snakeCase);
    }

    /** The whiteboard's runtime: it says which resources it serves, and counts every change. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(JaxrsServiceRuntime service, ServiceReference<JaxrsServiceRuntime> reference) {
        runtime = service;
        runtimeReference = reference;
    }

    void unbindRuntime(JaxrsServiceRuntime service) {
        if (runtime == service) {
            runtime = null;
            runtimeReference = null;
        }
    }

    /** The document; made again whenever the whiteboard's routes changed since. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String openApi() {
        JaxrsServiceRuntime current = runtime;
        ServiceReference<JaxrsServiceRuntime> reference = runtimeReference;
        if (current == null || reference == null) {
            throw new IllegalStateException("the JAX-RS whiteboard runtime is not available");
        }
        Object changeCount = reference.getProperty("service.changecount");
        Cached known = cached;
        if (known != null && changeCount != null && changeCount.equals(known.changeCount())) {
            return known.document();
        }
        String document = Json.pretty(generate(current.getRuntimeDTO()));
        cached = new Cached(changeCount, document);
        return document;
    }

    /** The OpenAPI model of the resources the runtime reports as served, read from their classes. */
    OpenAPI generate(RuntimeDTO dto) {
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (long id : new TreeSet<>(served(dto))) {
            Class<?> type = resourceClass(id);
            if (type != null) {
                classes.add(type);
            }
        }
        OpenAPI base = new OpenAPI()
            .info(new Info().title("Sluice").version("1")
                .description("Background tasks and streams on Karaf. Every route also answers under /s/{space}/ for the "
                    + "space named there. Every request but GET and HEAD needs the header kbn-xsrf (any value). Errors are "
                    + "{\"statusCode\", \"error\", \"message\"}."))
            .components(new Components()
                .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic"))
                .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                    .in(SecurityScheme.In.HEADER).name("Authorization")
                    .description("ApiKey base64(id:secret)"))
                .addSecuritySchemes("session", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                    .in(SecurityScheme.In.COOKIE).name("sluice_session")
                    .description("a browser session: POST /internal/security/login")))
            .addSecurityItem(new SecurityRequirement().addList("basic"))
            .addSecurityItem(new SecurityRequirement().addList("apiKey"))
            .addSecurityItem(new SecurityRequirement().addList("session"));
        SwaggerConfiguration configuration = new SwaggerConfiguration().openAPI(base).prettyPrint(true)
            .readAllResources(true).sortOutput(true);
        OpenAPI api = new Reader(configuration).read(classes);
        // Kibana's anti-forgery rule, on every operation that may change something.
        if (api.getPaths() != null) {
            api.getPaths().values().forEach(path -> path.readOperationsMap().forEach((method, operation) -> {
                if (method != io.swagger.v3.oas.models.PathItem.HttpMethod.GET
                        && method != io.swagger.v3.oas.models.PathItem.HttpMethod.HEAD) {
                    operation.addParametersItem(new io.swagger.v3.oas.models.parameters.HeaderParameter()
                        .name(XsrfHeader.HEADER).required(true).description("any value; without it the request is refused "
                            + "with 400, as Kibana's API does")
                        .schema(new io.swagger.v3.oas.models.media.StringSchema()));
                }
            }));
        }
        return api;
    }

    /** The class of a resource service, or null if it went away meanwhile. */
    private Class<?> resourceClass(long serviceId) {
        try {
            ServiceReference<?>[] references = context.getServiceReferences((String) null, "(service.id=" + serviceId + ")");
            if (references == null || references.length == 0) {
                return null;
            }
            Object service = context.getService(references[0]);
            try {
                return service == null ? null : service.getClass();
            } finally {
                context.ungetService(references[0]);
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<Long> served(RuntimeDTO dto) {
        Set<Long> ids = new LinkedHashSet<>();
        Set<ApplicationDTO> applications = new LinkedHashSet<>(Arrays.asList(dto.applicationDTOs == null
            ? new ApplicationDTO[0] : dto.applicationDTOs));
        if (dto.defaultApplication != null) {
            applications.add(dto.defaultApplication);
        }
        for (ApplicationDTO application : applications) {
            for (ResourceDTO resource : application.resourceDTOs) {
                ids.add(resource.serviceId);
            }
        }
        return ids;
    }
}

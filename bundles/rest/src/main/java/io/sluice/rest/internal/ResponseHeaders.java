package io.sluice.rest.internal;

import java.util.Set;
import javax.ws.rs.HttpMethod;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;

/**
 * Headers every answer carries: nothing is cached by browsers or proxies unless a route says otherwise, and no body
 * is sniffed into something else. An {@code OPTIONS} request, which JAX-RS would answer with an empty 200 of its own,
 * is refused like any other method a route does not take: 405, the JSON error body, and {@code Allow}. Sluice takes no
 * cross-origin requests, so there is nothing for a preflight to learn.
 */
final class ResponseHeaders implements ContainerResponseFilter {

    private final RouteTable routes;

    ResponseHeaders(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (HttpMethod.OPTIONS.equals(request.getMethod()) && response.getStatus() == 200 && !response.hasEntity()) {
            Set<String> allowed = routes.allowed("/" + request.getUriInfo().getPath(true).replaceFirst("^/", ""));
            response.setStatus(405);
            response.getHeaders().putSingle(HttpHeaders.ALLOW, String.join(", ", allowed));
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
            response.setEntity(HttpJson.errorBody(405, "OPTIONS is not allowed on " + request.getUriInfo().getRequestUri()
                .getRawPath() + "; allowed: " + String.join(", ", allowed)), null, MediaType.APPLICATION_JSON_TYPE);
        }
        response.getHeaders().putIfAbsent(HttpHeaders.CACHE_CONTROL, java.util.List.of("no-store"));
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
    }
}

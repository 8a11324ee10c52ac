package io.sluice.rest.internal;

import java.util.Set;
import javax.ws.rs.HttpMethod;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;

/**
 * Headers every answer carries: nothing is cached by browsers or proxies unless a route says otherwise, no body is
 * sniffed into something else, no answer is framed or runs anything (a Content-Security-Policy of {@code default-src
 * 'none'} unless the route, a page, sets its own). An {@code OPTIONS} request, which JAX-RS would answer with an empty 200 of its own,
 * is refused like any other method a route does not take: 405, the JSON error body, and {@code Allow}. Sluice takes no
 * cross-origin requests, so there is nothing for a preflight to learn.
 */
final class ResponseHeaders implements ContainerResponseFilter {

    /** The header name. */
    static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";

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
        // No page may frame an answer; a route that serves a page sets its own, wider, policy.
        response.getHeaders().putSingle("X-Frame-Options", "DENY");
        response.getHeaders().putIfAbsent(CONTENT_SECURITY_POLICY, java.util.List.of("default-src 'none'; frame-ancestors 'none'"));
        response.getHeaders().putSingle("Referrer-Policy", "no-referrer");
    }
}

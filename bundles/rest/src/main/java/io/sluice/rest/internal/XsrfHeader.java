package io.sluice.rest.internal;

import java.util.Set;
import javax.annotation.Priority;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;

/**
 * Kibana's anti-forgery rule, for every route and every client: a request that may change something (any method but
 * {@code GET} and {@code HEAD}) must carry the header {@value #HEADER}, with any value. A browser sends such a header
 * only from a script of the page's own origin (a cross-site form or image cannot, and Sluice answers no CORS
 * preflight), so a forged cross-site request is refused before anyone is authenticated.
 */
@Priority(Priorities.AUTHENTICATION - 100)
final class XsrfHeader implements ContainerRequestFilter {

    /** The header, as Kibana names it. */
    static final String HEADER = "kbn-xsrf";

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    public void filter(ContainerRequestContext request) {
        if (!SAFE.contains(request.getMethod()) && request.getHeaderString(HEADER) == null) {
            throw new BadRequestException("Request must contain a " + HEADER + " header.");
        }
    }
}

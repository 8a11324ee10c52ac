package io.sluice.rest;

import io.sluice.auth.Caller;
import java.security.Principal;
import java.util.Objects;
import javax.ws.rs.NotAuthorizedException;
import javax.ws.rs.core.SecurityContext;

/**
 * The authenticated caller of an HTTP request, as the request's {@link SecurityContext} carries it.
 *
 * @param caller who is asking, in the space the URL names
 */
public record CallerPrincipal(Caller caller) implements Principal {

    /** The caller is required. */
    public CallerPrincipal {
        Objects.requireNonNull(caller, "caller");
    }

    @Override
    public String getName() {
        return caller.user();
    }

    /**
     * The caller of the request a resource method is serving.
     *
     * @throws NotAuthorizedException if the request was not authenticated (a {@code @PermitAll} method asking anyway)
     */
    public static Caller caller(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof CallerPrincipal principal) {
            return principal.caller();
        }
        throw new NotAuthorizedException("authentication required", "Basic realm=\"sluice\"");
    }
}

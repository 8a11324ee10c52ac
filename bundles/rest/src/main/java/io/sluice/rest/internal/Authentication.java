package io.sluice.rest.internal;

import io.sluice.auth.Caller;
import io.sluice.rest.CallerPrincipal;
import io.sluice.security.AuthenticationException;
import io.sluice.security.LoginThrottledException;
import io.sluice.security.Authenticator;
import io.sluice.security.Credentials;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.annotation.Priority;
import javax.annotation.security.PermitAll;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.NotAuthorizedException;
import javax.ws.rs.Priorities;
import javax.ws.rs.ServiceUnavailableException;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.Cookie;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.SecurityContext;

/**
 * Authenticates every request before its route runs: HTTP Basic against the Karaf realm, or
 * {@code Authorization: ApiKey base64(id:secret)}, or a browser session's {@value #SESSION_COOKIE} cookie. Only methods marked {@link PermitAll} (the health probe) answer
 * without credentials. The caller acts in the space the URL names.
 */
@Priority(Priorities.AUTHENTICATION)
final class Authentication implements ContainerRequestFilter {

    /** The cookie a browser session travels in. */
    static final String SESSION_COOKIE = "sluice_session";

    /** What a 401 offers. */
    static final String CHALLENGE = "Basic realm=\"sluice\", ApiKey";

    private final Supplier<Authenticator> authenticator;

    @Context
    private ResourceInfo resource;

    // The client address failed logins are counted by (the peer's address: a forwarded-for header could be forged).
    @Context
    private HttpServletRequest servlet;

    Authentication(Supplier<Authenticator> authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (resource.getResourceMethod() != null && (resource.getResourceMethod().isAnnotationPresent(PermitAll.class)
                || resource.getResourceClass().isAnnotationPresent(PermitAll.class))) {
            return;
        }
        List<String> headers = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (headers != null && headers.size() > 1) {
            throw new BadRequestException("the request has " + headers.size() + " Authorization headers: give exactly one");
        }
        Optional<Credentials> credentials;
        try {
            credentials = Credentials.fromAuthorizationHeader(headers == null ? null : headers.get(0));
        } catch (AuthenticationException e) {
            throw new NotAuthorizedException(e.getMessage(), CHALLENGE);
        }
        if (credentials.isEmpty()) {
            // A browser's session, when no Authorization header says otherwise.
            Cookie session = request.getCookies().get(SESSION_COOKIE);
            if (session != null && !session.getValue().isBlank()) {
                credentials = Optional.of(new Credentials.Session(session.getValue()));
            }
        }
        if (credentials.isEmpty()) {
            throw new NotAuthorizedException("authentication required: HTTP Basic, 'Authorization: ApiKey "
                + "<base64(id:secret)>', or a session (POST /internal/security/login)", CHALLENGE);
        }
        String space = (String) request.getProperty(RequestPaths.SPACE);
        Authenticator current = authenticator.get();
        if (current == null) {
            // Being replaced (its settings changed): a moment without authentication is a moment without service.
            throw new ServiceUnavailableException("authentication is restarting: try again", 1L);
        }
        Caller caller;
        try {
            caller = current.authenticate(credentials.get(), space == null ? Caller.DEFAULT_SPACE : space, clientAddress(servlet));
        } catch (LoginThrottledException e) {
            throw e;
        } catch (AuthenticationException e) {
            throw new NotAuthorizedException(e.getMessage(), CHALLENGE);
        }
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        request.setSecurityContext(new CallerContext(new CallerPrincipal(caller), secure,
            caller.authentication() == Caller.Authentication.API_KEY ? "ApiKey"
                : credentials.get() instanceof Credentials.Session ? SecurityContext.FORM_AUTH : SecurityContext.BASIC_AUTH));
    }

    /** The peer address of a request, or {@code null} if the container does not say. */
    static String clientAddress(HttpServletRequest servlet) {
        try {
            return servlet == null ? null : servlet.getRemoteAddr();
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** The security context routes see. Roles are the caller's Karaf roles. */
    private record CallerContext(CallerPrincipal principal, boolean secure, String scheme) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
            return principal.caller().roles().contains(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return scheme;
        }
    }
}

package io.sluice.rest.internal;

import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.rest.CallerPrincipal;
import io.sluice.security.AccessPolicy;
import io.sluice.security.AuthenticationException;
import io.sluice.security.LoginThrottledException;
import io.sluice.security.Authenticator;
import io.sluice.security.Credentials;
import io.sluice.security.Sessions;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import javax.servlet.http.HttpServletRequest;
import javax.annotation.security.PermitAll;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.NotAuthorizedException;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.Cookie;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * Browser sessions, as Kibana's login page uses them:
 * <pre>
 * POST /internal/security/login    {"username", "password"}: sets the session cookie
 * POST /internal/security/logout   ends the session, clears the cookie
 * GET  /internal/security/me       who is logged in, and what they may do (for a page to show only what works)
 * </pre>
 * The cookie is {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site sends it), {@code Secure}
 * when the request came over TLS, and expires with the session. Like every non-GET request, login and logout need the
 * {@code kbn-xsrf} header.
 */
@Component(service = SessionResource.class)
@JaxrsResource
@Path("internal/security")
@Produces(MediaType.APPLICATION_JSON)
public final class SessionResource {

    private final Authenticator authenticator;
    private final Sessions sessions;
    private final AccessPolicy access;

    /** Binds the authenticator, the sessions and the access policy. */
    @Activate
    public SessionResource(@Reference Authenticator authenticator, @Reference Sessions sessions, @Reference AccessPolicy access) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.access = access;
    }

    /**
     * What login takes.
     *
     * @param username the Karaf user
     * @param password its password
     */
    public record Login(String username, String password) {
    }

    /** Checks the password against the Karaf realm and opens a session. */
    @POST
    @Path("login")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Log in", description = "Opens a browser session: an HttpOnly, SameSite=Strict cookie. Needs kbn-xsrf.")
    public Response login(Login body, @Context SecurityContext security, @Context HttpServletRequest servlet) {
        if (body.username() == null || body.username().isBlank() || body.password() == null) {
            throw new BadRequestException("give username and password");
        }
        Caller caller;
        try {
            caller = authenticator.authenticate(new Credentials.Password(body.username(), body.password()), Caller.DEFAULT_SPACE,
                Authentication.clientAddress(servlet));
        } catch (LoginThrottledException e) {
            throw e;
        } catch (AuthenticationException e) {
            throw new NotAuthorizedException("invalid user name or password", "Basic realm=\"sluice\"");
        }
        Sessions.Session session = sessions.open(caller);
        long maxAge = Math.max(0, Duration.between(Instant.now(), session.expiresAt()).toSeconds());
        return Response.ok(me(caller)).header(HttpHeaders.SET_COOKIE, cookie(session.token(), maxAge, security.isSecure())).build();
    }

    /** Ends the session, if there is one, and clears the cookie. */
    @POST
    @Path("logout")
    @PermitAll
    @Operation(summary = "Log out", description = "Ends the browser session and clears its cookie. Needs kbn-xsrf.")
    public Response logout(@Context HttpHeaders headers, @Context SecurityContext security) {
        Cookie session = headers.getCookies().get(Authentication.SESSION_COOKIE);
        if (session != null) {
            sessions.close(session.getValue());
        }
        return Response.ok(Map.of("logged_out", true)).header(HttpHeaders.SET_COOKIE, cookie("", 0, security.isSecure())).build();
    }

    /** The caller, its roles, and the streams it may read and manage. */
    @GET
    @Path("me")
    @Operation(summary = "Who am I", description = "The authenticated user, its roles and privileges.")
    public Map<String, Object> whoAmI(@Context SecurityContext security) {
        return me(CallerPrincipal.caller(security));
    }

    private Map<String, Object> me(Caller caller) {
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("user", caller.user());
        me.put("roles", new TreeSet<>(caller.roles()));
        me.put("space", caller.space());
        me.put("admin", access.isAdmin(caller));
        me.put("read", access.streamPatterns(caller, Privilege.READ));
        me.put("manage", access.streamPatterns(caller, Privilege.MANAGE));
        return me;
    }

    private static String cookie(String value, long maxAge, boolean secure) {
        return Authentication.SESSION_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "");
    }
}

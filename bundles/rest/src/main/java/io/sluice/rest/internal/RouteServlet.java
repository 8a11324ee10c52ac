package io.sluice.rest.internal;

import io.sluice.auth.AuthenticationException;
import io.sluice.auth.Authenticator;
import io.sluice.auth.Caller;
import io.sluice.auth.Credentials;
import io.sluice.task.TaskException;
import java.io.IOException;
import java.util.Optional;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base of Sluice's authenticated routes: every request is authenticated first (HTTP Basic against the Karaf
 * realm, or {@code ApiKey}), then handled; every failure becomes a JSON error with the status that describes it.
 * Nothing here answers without credentials.
 */
abstract class RouteServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RouteServlet.class);

    /** Until spaces get their URLs, every HTTP request acts in the default space. */
    static final String SPACE = Caller.DEFAULT_SPACE;

    private final transient Authenticator authenticator;
    final transient HttpJson json = new HttpJson();
    final transient RequestBodies bodies = new RequestBodies(json.mapper());

    RouteServlet(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Handles an authenticated request. */
    abstract void handle(String method, String path, Caller caller, HttpServletRequest request, HttpServletResponse response)
        throws IOException;

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        try {
            Caller caller = authenticate(request);
            handle(request.getMethod(), path, caller, request, response);
        } catch (HttpError e) {
            json.error(response, e.status(), e.getMessage());
        } catch (AuthenticationException e) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"sluice\", ApiKey");
            json.error(response, 401, e.getMessage());
        } catch (TaskException e) {
            json.error(response, e.statusCode(), e.getMessage());
        } catch (IllegalArgumentException e) {
            json.error(response, 400, e.getMessage());
        } catch (IllegalStateException e) {
            // By convention here: a part of the node that is not configured or not up (no encryption key, ...).
            LOG.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            json.error(response, 503, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
            json.error(response, 500, "internal error; the node's log has the details");
        }
    }

    private Caller authenticate(HttpServletRequest request) {
        Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(request.getHeader("Authorization"));
        if (credentials.isEmpty()) {
            throw new AuthenticationException("authentication required: HTTP Basic, or 'Authorization: ApiKey <base64(id:secret)>'");
        }
        return authenticator.authenticate(credentials.get(), SPACE);
    }

    /** An integer query parameter, or the default; a malformed one is a 400 naming it. */
    static int intParam(HttpServletRequest request, String name, int defaultValue) {
        String value = request.getParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "query parameter '" + name + "' must be an integer, got '" + value + "'");
        }
    }

    static HttpError notFound(String method, String path) {
        return new HttpError(404, "no route for " + method + " " + path);
    }

    static HttpError methodNotAllowed(String method, String path) {
        return new HttpError(405, method + " is not allowed on " + path);
    }
}

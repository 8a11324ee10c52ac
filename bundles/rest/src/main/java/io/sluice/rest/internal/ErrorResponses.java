package io.sluice.rest.internal;

import io.sluice.security.AuthenticationException;
import io.sluice.security.LoginThrottledException;
import io.sluice.task.TaskException;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error of every route, as Kibana writes it: {@code {"statusCode": 404, "error": "Not Found", "message": "..."}}.
 *
 * <p>JAX-RS errors keep their status (and a 405 its {@code Allow} header), with a message that says what to do instead
 * of the container's default; task API errors carry their own status; an {@link IllegalArgumentException} is the
 * caller's mistake (400); an {@link IllegalStateException} raised by Sluice a part of the node that is not configured or
 * not up (503). Messages of exceptions raised inside libraries are not shown: they may name classes.
 * Anything else is a bug: 500 with a generic message, and the stack trace in the log. No answer names a Java class.
 */
final class ErrorResponses implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private final RouteTable routes;

    @Context
    private HttpServletRequest request;

    @Context
    private UriInfo uri;

    ErrorResponses(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof WebApplicationException web) {
            return fromWebApplication(web);
        }
        if (error instanceof TaskException task) {
            return HttpJson.error(task.statusCode(), task.getMessage());
        }
        if (error instanceof LoginThrottledException throttled) {
            return Response.fromResponse(HttpJson.error(429, throttled.getMessage()))
                .header(HttpHeaders.RETRY_AFTER, throttled.retryAfter().toSeconds()).build();
        }
        if (error instanceof AuthenticationException auth) {
            return Response.fromResponse(HttpJson.error(401, auth.getMessage()))
                .header(HttpHeaders.WWW_AUTHENTICATE, Authentication.CHALLENGE).build();
        }
        if (error instanceof IllegalArgumentException) {
            if (thrownBySluice(error)) {
                return HttpJson.error(400, error.getMessage());
            }
            // A library's message may name classes: say what is known without it.
            LOG.warn("{} {}: a value was refused", method(), path(), error);
            return HttpJson.error(400, "the request holds a value that cannot be used");
        }
        if (error instanceof IllegalStateException && thrownBySluice(error)) {
            LOG.warn("{} {}: {}", method(), path(), error.getMessage());
            return HttpJson.error(503, error.getMessage());
        }
        LOG.error("{} {} failed", method(), path(), error);
        return HttpJson.error(500, "internal error; the node's log has the details");
    }

    private Response fromWebApplication(WebApplicationException web) {
        Response original = web.getResponse();
        int status = original.getStatus();
        String message = web.getMessage();
        Set<String> allowed = status == 405 ? routes.allowed(routePath()) : Set.of();
        boolean containerDefault = message == null || message.startsWith("HTTP " + status);
        if (containerDefault) {
            message = switch (status) {
                case 404 -> "no route for " + method() + " " + path();
                case 405 -> method() + " is not allowed on " + path()
                    + (allowed.isEmpty() ? "" : "; allowed: " + String.join(", ", allowed));
                case 406 -> "this route answers " + "application/json; the Accept header asks for something else";
                case 415 -> "unsupported body type '" + RequestPaths.printable(request.getContentType())
                    + "': this route takes application/json";
                default -> "request failed with HTTP " + status;
            };
        }
        if (status == 503 && !containerDefault) {
            LOG.warn("{} {}: {}", method(), path(), message);
        } else if (status >= 500) {
            LOG.error("{} {} failed", method(), path(), web);
            message = "internal error; the node's log has the details";
        }
        Response.ResponseBuilder answer = Response.fromResponse(HttpJson.error(status, message));
        if (status == 405) {
            answer.allow(allowed);
        }
        for (String header : new String[] {HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.RETRY_AFTER}) {
            Object value = original.getHeaders().getFirst(header);
            if (value != null) {
                answer.header(header, value);
            }
        }
        return answer.build();
    }

    /** Whether Sluice's own code raised the error, so its message was written for a user. */
    private static boolean thrownBySluice(Throwable error) {
        StackTraceElement[] frames = error.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith("io.sluice.");
    }

    /** The route path the request asked for, without a space prefix. */
    private String routePath() {
        return uri == null ? path() : "/" + uri.getPath(true).replaceFirst("^/", "");
    }

    private String method() {
        return request == null ? "?" : RequestPaths.printable(request.getMethod());
    }

    private String path() {
        return request == null ? "?" : RequestPaths.printable(request.getRequestURI());
    }
}

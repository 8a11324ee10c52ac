package io.sluice.web.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.NotFoundException;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * The page at {@code /app/sluice} (also under {@code /s/{space}/app/sluice}): three static files, served like any
 * other route of the Sluice application, without credentials (the page asks for them; every call it makes goes
 * through the public routes). Its Content-Security-Policy allows scripts, styles and connections to this origin only:
 * no inline script or style, no framing.
 */
@Component(service = WebPageResource.class)
@JaxrsResource
@Path("app/sluice")
@PermitAll
public final class WebPageResource {

    /** What the page may load and where it may connect: this origin, nothing inline. */
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final Map<String, String> FILES = Map.of(
        "index.html", "text/html; charset=utf-8",
        "app.js", "text/javascript; charset=utf-8",
        "app.css", "text/css; charset=utf-8");

    /** The page. */
    @GET
    @Operation(summary = "The web page", description = "HTML; logs in with POST /internal/security/login.")
    public Response page() {
        return file("index.html");
    }

    /** The page, with a trailing slash. */
    @GET
    @Path("/")
    @Operation(summary = "The web page")
    public Response pageWithSlash() {
        return file("index.html");
    }

    /** The page's script and style. */
    @GET
    @Path("{file}")
    @Operation(summary = "The web page's script and style sheet")
    public Response asset(@PathParam("file") String name) {
        return file(name);
    }

    private Response file(String name) {
        String type = FILES.get(name);
        if (type == null) {
            throw new NotFoundException("no file " + name + " in the page");
        }
        try (InputStream in = WebPageResource.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new NotFoundException("no file " + name + " in the page");
            }
            return Response.ok(in.readAllBytes()).type(type)
                .header("Content-Security-Policy", POLICY)
                .header("Cache-Control", "no-cache")
                .build();
        } catch (IOException e) {
            throw new IllegalStateException("the page's file " + name + " cannot be read", e);
        }
    }
}

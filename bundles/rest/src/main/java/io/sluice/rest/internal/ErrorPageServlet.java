package io.sluice.rest.internal;

import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletErrorPage;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;

/**
 * Errors the HTTP server answers itself (no route for a path, a path it normalised away) in Sluice's JSON form rather
 * than an HTML page. Requests the server cannot even parse are refused before any servlet runs.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("sluice-errors")
@HttpWhiteboardServletErrorPage(errorPage = {"4xx", "5xx"})
public final class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient HttpJson json = new HttpJson();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute("javax.servlet.error.status_code");
        int status = code instanceof Integer c ? c : 500;
        Object uri = request.getAttribute("javax.servlet.error.request_uri");
        String message = status == 404 ? "no route for " + (uri == null ? "this path" : uri)
            : String.valueOf(request.getAttribute("javax.servlet.error.message"));
        json.error(response, status, message);
    }
}

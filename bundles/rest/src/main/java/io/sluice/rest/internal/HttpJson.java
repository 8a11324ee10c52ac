package io.sluice.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.task.json.TaskJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.http.HttpServletResponse;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * The one place the HTTP edge spells JSON: Sluice's {@link TaskJson} form for bodies, and Kibana's form for errors
 * ({@code {"statusCode": 404, "error": "Not Found", "message": "..."}}), whether the error comes from a route, a filter
 * or the web server itself.
 */
final class HttpJson {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
        Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
        Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
        Map.entry(409, "Conflict"), Map.entry(411, "Length Required"), Map.entry(413, "Payload Too Large"),
        Map.entry(414, "URI Too Long"), Map.entry(415, "Unsupported Media Type"), Map.entry(429, "Too Many Requests"),
        Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
        Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"));

    private final ObjectMapper mapper = TaskJson.newMapper();

    ObjectMapper mapper() {
        return mapper;
    }

    /** Kibana's error body. */
    static Map<String, Object> errorBody(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("statusCode", status);
        body.put("error", REASONS.getOrDefault(status, status >= 500 ? "Server Error" : "Error"));
        body.put("message", message);
        return body;
    }

    /** An error response for JAX-RS. */
    static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store")
            .entity(errorBody(status, message)).build();
    }

    byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** An error written straight to a servlet response (for errors outside JAX-RS). */
    void error(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = bytes(errorBody(status, message));
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}

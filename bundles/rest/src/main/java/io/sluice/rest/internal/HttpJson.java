package io.sluice.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.task.json.TaskJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import javax.servlet.http.HttpServletResponse;

/**
 * The one place the REST bundle writes JSON: Sluice's {@link TaskJson} form for bodies, Kibana's form for errors
 * ({@code {"statusCode": 404, "error": "Not Found", "message": "..."}}), and ETags as a hash of the body.
 */
final class HttpJson {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
        Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
        Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"),
        Map.entry(413, "Payload Too Large"), Map.entry(415, "Unsupported Media Type"),
        Map.entry(500, "Internal Server Error"), Map.entry(503, "Service Unavailable"));

    private final ObjectMapper mapper = TaskJson.newMapper();

    ObjectMapper mapper() {
        return mapper;
    }

    byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    void write(HttpServletResponse response, int status, Object body) throws IOException {
        send(response, status, bytes(body));
    }

    void send(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    void error(HttpServletResponse response, int status, String message) throws IOException {
        ObjectNode body = mapper.createObjectNode()
            .put("statusCode", status)
            .put("error", REASONS.getOrDefault(status, "Error"))
            .put("message", message);
        send(response, status, bytes(body));
    }

    /** A strong ETag: the SHA-256 of the body, so any change of what a poller sees changes it. */
    static String etag(byte[] body) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

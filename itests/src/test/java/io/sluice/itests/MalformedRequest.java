package io.sluice.itests;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A request that is wrong in one way, made from a valid one: each kind below can only make it invalid (never a valid
 * request that happens to write), so the whole answer to any of them is a 4xx and nothing changes.
 *
 * @param kind what was broken
 * @param method the HTTP method
 * @param path the path and query
 * @param contentType the Content-Type sent
 * @param body the body, or null
 * @param xsrf whether the kbn-xsrf header is sent
 */
record MalformedRequest(String kind, String method, String path, String contentType, byte[] body, boolean xsrf) {

    /** Valid bodies of the routes that write, with the path they go to. */
    private static final List<String[]> VALID = List.of(
        new String[] {"/api/tasks", "{\"type\":\"sample_sleep\",\"stream\":\"logs.m\",\"id\":\"malformed\",\"params\":{\"steps\":1}}"},
        new String[] {"/internal/streams/logs.m/features/_task", "{\"action\":\"schedule\",\"from\":1,\"to\":2}"},
        new String[] {"/internal/streams/logs.m/features", "{\"features\":[]}"});

    static MalformedRequest generate(Random random) {
        String[] valid = VALID.get(random.nextInt(VALID.size()));
        String path = valid[0];
        String body = valid[1];
        return switch (random.nextInt(10)) {
            case 0 -> {
                int cut = 1 + random.nextInt(body.length() - 1);
                yield post("truncated at " + cut, path, body.substring(0, cut));
            }
            case 1 -> post("unknown field", path, "{\"zz" + random.nextInt(1000) + "\":1," + body.substring(1));
            case 2 -> post("not an object", path, List.of("[]", "1", "\"x\"", "null", "true", "[{}]").get(random.nextInt(6)));
            case 3 -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                // An invalid UTF-8 sequence inside the first string value.
                int at = body.indexOf('"', body.indexOf(':') + 1) + 1;
                byte[] broken = new byte[bytes.length + 2];
                System.arraycopy(bytes, 0, broken, 0, at);
                broken[at] = (byte) 0xC3;
                broken[at + 1] = (byte) 0x28;
                System.arraycopy(bytes, at, broken, at + 2, bytes.length - at);
                yield new MalformedRequest("invalid UTF-8", "POST", path, "application/json", broken, true);
            }
            case 4 -> new MalformedRequest("wrong content type", "POST", path,
                List.of("text/xml", "application/jsonx", "text/plain; charset=latin1", "application/x-www-form-urlencoded")
                    .get(random.nextInt(4)), body.getBytes(StandardCharsets.UTF_8), true);
            case 5 -> new MalformedRequest("unknown query parameter", "GET", "/api/tasks?zz" + random.nextInt(1000) + "=1",
                null, null, true);
            case 6 -> {
                // The first member again: {"a":1,...} becomes {"a":1,"a":1,...}.
                int end = body.indexOf(',') > 0 ? body.indexOf(',') : body.length() - 1;
                yield post("duplicate key", path, "{" + body.substring(1, end) + "," + body.substring(1));
            }
            case 7 -> {
                byte[] noise = new byte[1 + random.nextInt(64)];
                random.nextBytes(noise);
                noise[0] = (byte) '#'; // never a JSON value's first byte
                yield new MalformedRequest("random bytes", "POST", path, "application/json", noise, true);
            }
            case 8 -> new MalformedRequest("bad task id", List.of("GET", "POST", "DELETE").get(random.nextInt(3)),
                List.of("/api/tasks/%00x", "/api/tasks/a%2fb", "/api/tasks/..%2f..", "/api/tasks/-x", "/api/tasks/" + "x".repeat(300))
                    .get(random.nextInt(5)), null, null, true);
            default -> new MalformedRequest("no kbn-xsrf header", "POST", path, "application/json",
                body.getBytes(StandardCharsets.UTF_8), false);
        };
    }

    private static MalformedRequest post(String kind, String path, String body) {
        return new MalformedRequest(kind, "POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), true);
    }

    HttpRequest build(String base, String adminPassword) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + adminPassword)
                .getBytes(StandardCharsets.UTF_8)))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (xsrf) {
            request.header("kbn-xsrf", "t");
        }
        return request.build();
    }

    @Override
    public String toString() {
        return kind + ": " + method + " " + path + (body == null ? "" : " " + new String(body, StandardCharsets.ISO_8859_1));
    }
}

package io.sluice.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * HTTP as the tests speak it to the container: requests as a user of {@link Accounts} (or {@code anonymous}, or
 * {@code intruder} with a wrong password), and raw bytes on a socket for what a well-behaved client cannot send.
 */
final class Http {

    /** The anti-forgery header every non-GET request needs. */
    static final String XSRF = "kbn-xsrf";

    private final HttpClient client = HttpClient.newHttpClient();

    /** Read when used: test classes are also made in the driver JVM, which has no container port. */
    private static int port() {
        return Integer.parseInt(System.getProperty(SluiceContainer.HTTP_PORT));
    }

    private static String base() {
        return "http://127.0.0.1:" + port();
    }

    HttpResponse<String> send(String user, String method, String path, String body) {
        return sendBytes(user, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> sendBytes(String user, String method, String path, byte[] body) {
        return request(authorization(user), method, path, body, null, "application/json");
    }

    HttpResponse<String> request(String authorization, String method, String path, byte[] body, String ifNoneMatch,
                                 String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(90))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            request.header(XSRF, "true"); // as every client must (Kibana's rule); tests of the rule itself build their own
        }
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(90));
    }

    /** Writes the bytes as they are and reads until the server closes or a response is complete; returns the text. */
    String raw(byte[] request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Authorization header of a test user; null for {@code anonymous}; for {@code intruder}, a wrong password under
     * a name of its own each time: the login throttle answers 429, not 401, once one name failed ten times, and tests
     * that send many intruders check the 401 (the throttle has its own test in HttpEdgeIT).
     */
    static String authorization(String user) {
        return switch (user) {
            case "anonymous" -> null;
            case "intruder" -> basic("intruder-" + java.util.UUID.randomUUID(), "wrong-pw");
            default -> basic(user, Accounts.password(user));
        };
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

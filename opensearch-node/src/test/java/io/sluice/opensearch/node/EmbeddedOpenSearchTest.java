package io.sluice.opensearch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedOpenSearchTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void startsAUsableLoopbackNodeWhoseDataSurvivesARestart() throws Exception {
        try (EmbeddedOpenSearch node = EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start()) {
            assertEquals("127.0.0.1", node.httpUri().getHost());
            assertEquals("2.19.6", node.version());
            assertTrue(node.clusterHealth().matches("green|yellow"), node.clusterHealth());
            assertEquals(200, send(node.httpUri(), "PUT", "/kept", "{}").statusCode());
            HttpResponse<String> settings = send(node.httpUri(), "GET", "/kept/_settings", null);
            // The node sets default replicas to 0, so one node can hold every new index in full.
            assertTrue(settings.body().contains("\"number_of_replicas\":\"0\""), settings.body());
            HttpResponse<String> info = send(node.httpUri(), "GET", "/_nodes/http", null);
            assertTrue(info.body().contains("\"bound_address\":[\"127.0.0.1:"), info.body());
        }
        try (EmbeddedOpenSearch node = EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start()) {
            assertEquals(200, send(node.httpUri(), "HEAD", "/kept", null).statusCode());
        }
    }

    @Test
    void aSecondNodeOnTheSameDataIsRefusedClearly() {
        try (EmbeddedOpenSearch first = EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start());
            assertTrue(e.getMessage().contains("in use by another running node"), e.getMessage());
        }
    }

    @Test
    void aTakenFixedPortFailsWithThePortNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(taken.getLocalPort());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedOpenSearch.builder(home).httpPort(port).transportPort("0").start());
            assertTrue(e.getMessage().contains("HTTP " + port) && e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void aTakenPortInARangeMovesToTheNextFreeOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try (EmbeddedOpenSearch node = EmbeddedOpenSearch.builder(home)
                    .httpPort(port + "-" + Math.min(65535, port + 20)).transportPort("0").start()) {
                assertNotEquals(port, node.httpPort());
                assertTrue(node.httpPort() > port, "picked " + node.httpPort());
            }
        }
    }

    @Test
    void badPortSettingsAreRejectedBeforeStarting() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedOpenSearch.builder(home).httpPort("92OO"));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedOpenSearch.builder(home).httpPort("9300-9200"));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedOpenSearch.builder(home).transportPort("70000"));
    }

    private HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package io.sluice.opensearch.connection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;

/**
 * What the client asks of the server about gzip. A stub server stands in for OpenSearch: the test is about the
 * request's headers, which a real node would not show.
 */
class ResponseCompressionTest {

    private final List<String> acceptEncodings = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String accepted = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            acceptEncodings.add(accepted == null ? "" : accepted);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void responsesAreNotCompressedByDefault() throws Exception {
        ping(Map.of());
        assertFalse(acceptEncodings.get(0).contains("gzip"), "Accept-Encoding: " + acceptEncodings.get(0));
    }

    @Test
    void compressionCanBeTurnedOn() throws Exception {
        ping(Map.of("compressResponses", true));
        assertTrue(acceptEncodings.get(0).contains("gzip"), "Accept-Encoding: " + acceptEncodings.get(0));
    }

    private void ping(Map<String, Object> settings) throws Exception {
        URI host = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        try (ApacheHttpClient5Transport transport = OpenSearchConnection.buildTransport(List.of(host), config(settings))) {
            assertTrue(new OpenSearchClient(transport).ping().value());
        }
    }

    /** The configuration DS would make: each setting's default unless given. */
    private static ConnectionConfig config(Map<String, Object> settings) {
        return (ConnectionConfig) Proxy.newProxyInstance(ConnectionConfig.class.getClassLoader(),
            new Class<?>[] {ConnectionConfig.class},
            (proxy, method, args) -> settings.containsKey(method.getName()) ? settings.get(method.getName()) : method.getDefaultValue());
    }
}

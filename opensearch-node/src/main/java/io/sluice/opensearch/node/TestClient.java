package io.sluice.opensearch.node;

import java.io.IOException;
import java.net.URI;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** A plain client to the test node, built the way the connection bundle builds one (HttpClient 5 transport). */
final class TestClient implements ExtensionContext.Store.CloseableResource {
    final OpenSearchClient client;
    private final ApacheHttpClient5Transport transport;

    TestClient(URI node) {
        transport = ApacheHttpClient5TransportBuilder.builder(new HttpHost(node.getScheme(), node.getHost(), node.getPort())).build();
        client = new OpenSearchClient(transport);
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}

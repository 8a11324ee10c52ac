package io.sluice.benchmarks;

import java.net.URI;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** A client configured as the connection bundle configures it by default (64 connections per node, no gzip). */
public final class Clients {

    private Clients() {
    }

    public static ApacheHttpClient5Transport transport(URI node) {
        return transport(node, new LongAdder());
    }

    /** The same, counting every request it sends in {@code requests} (the figure "OpenSearch requests per task"). */
    public static ApacheHttpClient5Transport transport(URI node, LongAdder requests) {
        return ApacheHttpClient5TransportBuilder.builder(new HttpHost(node.getScheme(), node.getHost(), node.getPort()))
            .setHttpClientConfigCallback(client -> client.setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnPerRoute(64).setMaxConnTotal(64).build())
                .disableContentCompression()
                .addRequestInterceptorFirst((request, entity, context) -> requests.increment()))
            .build();
    }

    public static OpenSearchClient client(ApacheHttpClient5Transport transport) {
        return new OpenSearchClient(transport);
    }
}

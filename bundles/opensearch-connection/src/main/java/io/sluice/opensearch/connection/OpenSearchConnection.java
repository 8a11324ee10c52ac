package io.sluice.opensearch.connection;

import java.io.StringReader;
import java.net.URI;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import jakarta.json.stream.JsonParser;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.parsson.api.BufferPool;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one {@link OpenSearchClient} service for the node, built from {@link ConnectionConfig}.
 *
 * <p>The component needs its configuration: with no {@code etc/io.sluice.opensearch.cfg} there is no client, and
 * everything that needs one waits. A configuration change replaces the client (DS deactivates and reactivates the
 * component), so consumers rebind to the new one.
 *
 * <p>The client is registered by hand rather than by DS because the service object is the client, not this class.
 */
@Capability(namespace = "osgi.service",
    attribute = "objectClass:List<String>=org.opensearch.client.opensearch.OpenSearchClient")
@Component(service = {}, configurationPid = OpenSearchConnection.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ConnectionConfig.class)
public final class OpenSearchConnection {

    /** The configuration PID. */
    public static final String PID = "io.sluice.opensearch";

    /** Service property listing the hosts the client talks to. */
    public static final String HOSTS_PROPERTY = "sluice.opensearch.hosts";

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchConnection.class);

    private final ApacheHttpClient5Transport transport;
    private final ServiceRegistration<OpenSearchClient> registration;

    /** Builds the client and registers it. */
    @Activate
    public OpenSearchConnection(BundleContext context, ConnectionConfig config) {
        List<URI> hosts = ConnectionSettings.parseHosts(config.hosts());
        initialiseJsonProvider();
        this.transport = buildTransport(hosts, config);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HOSTS_PROPERTY, hosts.stream().map(URI::toString).toArray(String[]::new));
        this.registration = context.registerService(OpenSearchClient.class, new OpenSearchClient(transport), properties);
        LOG.info("OpenSearch client registered for {}{}", hosts,
            config.username().isEmpty() ? "" : " as user '" + config.username() + "'");
    }

    /** Unregisters the client, then closes its connections. */
    @Deactivate
    void deactivate() {
        registration.unregister();
        try {
            transport.close();
        } catch (Exception e) {
            LOG.warn("Closing the OpenSearch transport failed", e);
        }
    }

    /**
     * jakarta.json finds its provider with {@code ServiceLoader} on the thread's context class loader, which in OSGi
     * sees no provider, and the client caches the result in static initialisers: {@code JsonpUtils}, and the holder
     * its Jackson parser uses to turn error details into {@code JsonData} (reached only when OpenSearch answers an
     * error). Left to chance, the first error body decoded on an I/O thread fails to initialise the holder, and every
     * later one fails with {@code NoClassDefFoundError}. So initialise both here, once, with the loader of the parsson
     * bundle (which holds the provider) as context.
     */
    static void initialiseJsonProvider() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(BufferPool.class.getClassLoader());
        try {
            // Decode an error cause with a detail of its own: the very path an OpenSearch error answer takes, so every
            // static holder on it is initialised now, through the client's public API.
            JacksonJsonpMapper mapper = new JacksonJsonpMapper();
            try (JsonParser parser = mapper.jsonProvider().createParser(new StringReader(
                    "{\"type\":\"warm_up\",\"reason\":\"initialise the JSON provider\",\"detail\":{\"a\":[1]}}"))) {
                ErrorCause cause = ErrorCause._DESERIALIZER.deserialize(parser, mapper);
                if (!cause.metadata().containsKey("detail")) {
                    throw new IllegalStateException("the OpenSearch client did not decode an error detail");
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static ApacheHttpClient5Transport buildTransport(List<URI> hosts, ConnectionConfig config) {
        HttpHost[] httpHosts = hosts.stream()
            .map(uri -> new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()))
            .toArray(HttpHost[]::new);
        boolean anyTls = hosts.stream().anyMatch(uri -> "https".equals(uri.getScheme()));
        if (!config.username().isEmpty() && !anyTls) {
            LOG.warn("OpenSearch credentials are configured but the hosts use plain http: the password crosses the network in clear");
        }
        return ApacheHttpClient5TransportBuilder.builder(httpHosts)
            .setMapper(new JacksonJsonpMapper())
            .setRequestConfigCallback(request -> request
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(config.connectTimeoutMillis()))
                .setResponseTimeout(Timeout.ofMilliseconds(config.responseTimeoutMillis())))
            .setHttpClientConfigCallback(client -> {
                PoolingAsyncClientConnectionManagerBuilder pool = PoolingAsyncClientConnectionManagerBuilder.create()
                    .setMaxConnPerRoute(config.maxConnections())
                    .setMaxConnTotal(config.maxConnections() * httpHosts.length)
                    .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(config.connectTimeoutMillis()))
                        .build());
                if (anyTls) {
                    ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create()
                        .setSslContext(ConnectionSettings.sslContext(config.trustStore(), config.trustStorePassword()));
                    if (!config.verifyHostnames()) {
                        tls.setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
                    }
                    pool.setTlsStrategy(tls.buildAsync());
                }
                client.setConnectionManager(pool.build());
                if (!config.compressResponses()) {
                    // httpclient5 asks for gzip by default (its async client since 5.5).
                    client.disableContentCompression();
                }
                if (config.ioThreads() > 0) {
                    // Responses are decoded on these threads; the default is one per processor.
                    client.setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(config.ioThreads()).build());
                }
                if (!config.username().isEmpty()) {
                    BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                    for (HttpHost host : httpHosts) {
                        credentials.setCredentials(new AuthScope(host),
                            new UsernamePasswordCredentials(config.username(), config.password().toCharArray()));
                    }
                    client.setDefaultCredentialsProvider(credentials);
                }
                return client;
            })
            .build();
    }
}

package io.sluice.opensearch.connection;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The connection settings, PID {@value OpenSearchConnection#PID} ({@code etc/io.sluice.opensearch.cfg}). */
@ObjectClassDefinition(
    name = "Sluice OpenSearch connection",
    description = "The OpenSearch cluster that holds task documents and streams. Changes reconnect at once.")
public @interface ConnectionConfig {

    @AttributeDefinition(name = "Hosts",
        description = "Node URLs, http:// or https://, for example https://search-1:9200. Requests spread across them.")
    String[] hosts() default {"http://127.0.0.1:9200"};

    @AttributeDefinition(name = "User name", description = "Basic authentication user; empty for none.")
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, description = "Basic authentication password.")
    String password() default "";

    @AttributeDefinition(name = "Trusted certificates",
        description = "Path to a PEM file of CA certificates, or a PKCS12/JKS trust store, for https hosts. "
            + "Empty: the JVM's default trust.")
    String trustStore() default "";

    @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD,
        description = "Password of a PKCS12/JKS trust store; unused for PEM.")
    String trustStorePassword() default "";

    @AttributeDefinition(name = "Verify host names",
        description = "Check that the server certificate names the host. Turn off only for test clusters.")
    boolean verifyHostnames() default true;

    @AttributeDefinition(name = "Connect timeout (ms)", min = "1")
    int connectTimeoutMillis() default 5_000;

    @AttributeDefinition(name = "Response timeout (ms)", min = "1")
    int responseTimeoutMillis() default 30_000;

    @AttributeDefinition(name = "Max connections", description = "Connection pool size per node.", min = "1")
    int maxConnections() default 64;

    @AttributeDefinition(name = "I/O threads",
        description = "Threads that send requests and decode responses; 0: the client's default (one per processor). "
            + "More did not help on a 2-core machine: measure before raising it.", min = "0")
    int ioThreads() default 0;

    @AttributeDefinition(name = "Compress responses",
        description = "Ask OpenSearch to gzip its answers. Off by default, as in OpenSearch's own REST clients: next to "
            + "the cluster the bytes saved are worth nothing, and gzip spends CPU on both sides (5-9% of each side's "
            + "samples in a profiled task drain). Turn on across a slow or metered link.")
    boolean compressResponses() default false;
}

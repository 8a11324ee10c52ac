package io.sluice.opensearch.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.opensearch.Version;
import org.opensearch.action.admin.cluster.health.ClusterHealthResponse;
import org.opensearch.cluster.health.ClusterHealthStatus;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;

/**
 * A real OpenSearch node, bound to 127.0.0.1 only, with its data under a folder of the caller's: a single-node cluster,
 * or (given {@link Builder#cluster}) one node of a cluster on loopback, as the fault suite's three-node cluster is.
 *
 * <pre>{@code
 * try (EmbeddedOpenSearch node = EmbeddedOpenSearch.builder(Path.of("data/opensearch")).start()) {
 *     URI url = node.httpUri();
 * }
 * }</pre>
 *
 * <p>There is deliberately no setting for the bind address: an embedded node is for one machine.
 */
public final class EmbeddedOpenSearch implements AutoCloseable {

    /** The loopback address every socket binds to. */
    public static final String LOOPBACK = "127.0.0.1";

    private final Node node;
    private final Path home;
    private final URI httpUri;
    private final Duration startTime;

    private EmbeddedOpenSearch(Node node, Path home, URI httpUri, Duration startTime) {
        this.node = node;
        this.home = home;
        this.httpUri = httpUri;
        this.startTime = startTime;
    }

    /** Starts configuring a node whose data, logs and settings live under {@code home}. */
    public static Builder builder(Path home) {
        return new Builder(home);
    }

    /** The HTTP endpoint, for example {@code http://127.0.0.1:9200}. */
    public URI httpUri() {
        return httpUri;
    }

    /** The HTTP port actually bound (a range picks the first free one). */
    public int httpPort() {
        return httpUri.getPort();
    }

    /** The OpenSearch version, for example {@code 2.19.6}. */
    public String version() {
        return Version.CURRENT.toString();
    }

    /** The folder holding data and logs. */
    public Path home() {
        return home;
    }

    /** How long the node took from construction to a usable cluster. */
    public Duration startTime() {
        return startTime;
    }

    /** The cluster health right now: {@code green}, {@code yellow} or {@code red}. */
    public String clusterHealth() {
        return node.client().admin().cluster().prepareHealth().get(TimeValue.timeValueSeconds(10))
            .getStatus().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Stops the node and waits for it to release its data folder. */
    @Override
    public void close() {
        try {
            node.close();
            if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("OpenSearch did not stop within 30 s");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a node to start. */
    public static final class Builder {
        private final Path home;
        private String httpPort = "9200-9299";
        private String transportPort = "9300-9399";
        private String clusterName = "sluice";
        private String nodeName = "sluice-embedded";
        private List<String> seedHosts = List.of();
        private List<String> clusterManagerNodes = List.of();

        private Builder(Path home) {
            this.home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
        }

        /**
         * The HTTP port: one number (fail if taken), a range {@code 9200-9299} (take the first free one, the
         * default), or {@code 0} for any free port.
         */
        public Builder httpPort(String spec) {
            this.httpPort = PortSpec.check("HTTP", spec);
            return this;
        }

        /** The transport port, in the same forms as {@link #httpPort(String)}; default {@code 9300-9399}. */
        public Builder transportPort(String spec) {
            this.transportPort = PortSpec.check("transport", spec);
            return this;
        }

        /** The cluster name; default {@code sluice}. */
        public Builder clusterName(String name) {
            this.clusterName = name;
            return this;
        }

        /** The node name; default {@code sluice-embedded}. */
        public Builder nodeName(String name) {
            this.nodeName = name;
            return this;
        }

        /**
         * Makes this node one of a cluster instead of a cluster of its own: it finds the others at {@code seedHosts}
         * (their {@code 127.0.0.1:<transport port>}) and, on the cluster's first start, elects a manager among
         * {@code clusterManagerNodes} (node names). New indices then keep OpenSearch's default of one replica.
         */
        public Builder cluster(List<String> seedHosts, List<String> clusterManagerNodes) {
            if (seedHosts.isEmpty() || clusterManagerNodes.isEmpty()) {
                throw new IllegalArgumentException("a cluster needs seed hosts and cluster manager nodes");
            }
            this.seedHosts = List.copyOf(seedHosts);
            this.clusterManagerNodes = List.copyOf(clusterManagerNodes);
            return this;
        }

        /**
         * Starts the node and waits until the cluster is usable (at least yellow).
         *
         * @throws IllegalStateException with a clear message when a port is taken, the data folder is held by another
         *     node, or the node does not come up
         */
        public EmbeddedOpenSearch start() {
            long started = System.nanoTime();
            try {
                Files.createDirectories(home.resolve("data"));
                Files.createDirectories(home.resolve("logs"));
                Files.createDirectories(home.resolve("config"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the OpenSearch folder " + home + ": " + e.getMessage(), e);
            }
            Settings.Builder builder = Settings.builder()
                .put("cluster.name", clusterName)
                .put("node.name", nodeName)
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("network.host", LOOPBACK)
                .put("http.port", httpPort)
                .put("transport.port", transportPort)
                // A developer's disk is often fuller than a server's: never go read-only because of it.
                .put("cluster.routing.allocation.disk.threshold_enabled", false);
            if (seedHosts.isEmpty()) {
                builder.put("discovery.type", "single-node");
            } else {
                builder.putList("discovery.seed_hosts", seedHosts).putList("cluster.initial_cluster_manager_nodes", clusterManagerNodes);
            }
            Settings settings = builder.build();
            Node node;
            try {
                node = new PluginNode(
                    InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), home.resolve("config"), () -> nodeName),
                    List.of(org.opensearch.transport.Netty4Plugin.class,
                        org.opensearch.painless.PainlessPlugin.class,
                        org.opensearch.analysis.common.CommonAnalysisPlugin.class,
                        org.opensearch.index.reindex.ReindexPlugin.class));
            } catch (RuntimeException e) {
                throw explain(e);
            }
            try {
                node.start();
                URI uri = boundLoopbackUri(node);
                ClusterHealthResponse health = node.client().admin().cluster().prepareHealth()
                    .setWaitForYellowStatus().get(TimeValue.timeValueSeconds(60));
                if (health.isTimedOut() || health.getStatus() == ClusterHealthStatus.RED) {
                    throw new IllegalStateException("OpenSearch cluster did not turn yellow within 60 s: " + health.getStatus());
                }
                if (seedHosts.isEmpty()) {
                    // One node can never hold a replica: without this every new index stays yellow.
                    node.client().admin().cluster().prepareUpdateSettings()
                        .setPersistentSettings(Settings.builder().put("cluster.default_number_of_replicas", 0))
                        .get(TimeValue.timeValueSeconds(30));
                }
                return new EmbeddedOpenSearch(node, home, uri, Duration.ofNanos(System.nanoTime() - started));
            } catch (NodeValidationException | RuntimeException e) {
                closeQuietly(node);
                throw explain(e);
            }
        }

        private RuntimeException explain(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException || String.valueOf(t.getMessage()).startsWith("Failed to bind")) {
                    return new IllegalStateException("OpenSearch cannot bind its ports on " + LOOPBACK + " (HTTP " + httpPort
                        + ", transport " + transportPort + "): already in use. Choose a free port or a range.", e);
                }
                if (String.valueOf(t.getMessage()).contains("failed to obtain node locks")) {
                    return new IllegalStateException("the OpenSearch data folder " + home.resolve("data")
                        + " is in use by another running node: stop it first", e);
                }
            }
            return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
        }
    }

    private static URI boundLoopbackUri(Node node) {
        TransportAddress[] bound = node.injector().getInstance(HttpServerTransport.class).boundAddress().boundAddresses();
        for (TransportAddress address : bound) {
            if (!address.address().getAddress().isLoopbackAddress()) {
                throw new IllegalStateException("OpenSearch bound " + address + ", which is not a loopback address");
            }
        }
        InetSocketAddress first = bound[0].address();
        return URI.create("http://" + LOOPBACK + ":" + first.getPort());
    }

    private static void closeQuietly(Node node) {
        try {
            node.close();
            node.awaitClose(30, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            // The start already failed; that error is the one to report.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

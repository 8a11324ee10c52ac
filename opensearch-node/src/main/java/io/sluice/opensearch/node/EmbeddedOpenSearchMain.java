package io.sluice.opensearch.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded node as its own process, for the distribution:
 *
 * <pre>java -cp 'opensearch/lib/*' io.sluice.opensearch.node.EmbeddedOpenSearchMain --home data/opensearch [--http-port 9200-9299]
 *     [--transport-port 9300-9399] [--ready-file data/opensearch/ready.json]
 *     [--cluster-name sluice --node-name os-1 --seed-hosts 127.0.0.1:9301,127.0.0.1:9302 --cluster-manager-nodes os-1,os-2]</pre>
 *
 * <p>Without {@code --seed-hosts} the node is a cluster of its own (the distribution's default); with it, one node of
 * a cluster on loopback.
 *
 * <p>When the cluster is usable it prints one line with the version, URL and start time, and writes the ready file
 * ({@code url}, {@code pid}, {@code version}); it stops the node on SIGTERM or Ctrl-C and removes the ready file. A
 * failure to start prints one clear line and exits 1.
 */
public final class EmbeddedOpenSearchMain {

    private EmbeddedOpenSearchMain() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        // OpenSearch logs through log4j's default configuration here: warnings and errors only, to stdout.
        System.setProperty("log4j2.level", System.getProperty("log4j2.level", "WARN"));
        Path home = null;
        Path readyFile = null;
        String httpPort = "9200-9299";
        String transportPort = "9300-9399";
        String clusterName = null;
        String nodeName = null;
        List<String> seedHosts = List.of();
        List<String> managers = List.of();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--home" -> home = Path.of(require(args[i], value));
                case "--http-port" -> httpPort = require(args[i], value);
                case "--transport-port" -> transportPort = require(args[i], value);
                case "--ready-file" -> readyFile = Path.of(require(args[i], value));
                case "--cluster-name" -> clusterName = require(args[i], value);
                case "--node-name" -> nodeName = require(args[i], value);
                case "--seed-hosts" -> seedHosts = List.of(require(args[i], value).split(","));
                case "--cluster-manager-nodes" -> managers = List.of(require(args[i], value).split(","));
                default -> fail("unknown argument '" + args[i] + "'; expected --home, --http-port, --transport-port, --ready-file, "
                    + "--cluster-name, --node-name, --seed-hosts, --cluster-manager-nodes");
            }
            i++;
        }
        if (home == null) {
            fail("--home <folder> is required");
        }
        EmbeddedOpenSearch node;
        try {
            EmbeddedOpenSearch.Builder builder = EmbeddedOpenSearch.builder(home).httpPort(httpPort).transportPort(transportPort);
            if (clusterName != null) {
                builder.clusterName(clusterName);
            }
            if (nodeName != null) {
                builder.nodeName(nodeName);
            }
            if (!seedHosts.isEmpty() || !managers.isEmpty()) {
                builder.cluster(seedHosts, managers);
            }
            node = builder.start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail(e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Path ready = readyFile;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (ready != null) {
                    Files.deleteIfExists(ready);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("sluice-opensearch: stopping failed: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "sluice-opensearch-shutdown"));
        long pid = ProcessHandle.current().pid();
        if (readyFile != null) {
            writeReadyFile(readyFile, node, pid);
        }
        long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / (1024 * 1024);
        System.out.printf(Locale.ROOT, "OpenSearch %s ready at %s in %.1f s (pid %d, heap max %d MB, data %s)%n",
            node.version(), node.httpUri(), node.startTime().toMillis() / 1000.0, pid, heapMb, node.home());
        System.out.flush();
        stopped.await();
    }

    private static void writeReadyFile(Path file, EmbeddedOpenSearch node, long pid) throws IOException {
        String json = String.format(Locale.ROOT,
            "{\"url\":\"%s\",\"port\":%d,\"pid\":%d,\"version\":\"%s\",\"start_millis\":%d}%n",
            node.httpUri(), node.httpPort(), pid, node.version(), node.startTime().toMillis());
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "ready", ".tmp");
        Files.writeString(temp, json, StandardCharsets.UTF_8);
        // Readers poll for the file: it must appear complete or not at all.
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String require(String flag, String value) {
        if (value == null || value.startsWith("--")) {
            fail(flag + " needs a value");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("sluice-opensearch: " + message);
        System.exit(1);
    }
}

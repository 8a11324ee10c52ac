package io.sluice.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.sluice.opensearch.node.EmbeddedOpenSearch;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * The container every Pax Exam test boots: the Sluice distribution built by this reactor, on free ports, pointed at a
 * real embedded OpenSearch node that this test JVM starts once and stops when it exits.
 *
 * <p>Runs in the test driver JVM only (from {@code @Configuration} methods), never inside the container.
 */
final class SluiceContainer {

    /** System property, inside the container, holding the HTTP port of the REST API. */
    static final String HTTP_PORT = "sluice.it.http.port";
    /** System property, inside the container, holding the version of the Sluice artifacts. */
    static final String VERSION = "sluice.it.version";
    /** System property, inside the container, holding the folder of the LogHub samples the tests ingest. */
    static final String LOGHUB = "sluice.it.loghub";
    /** System property, inside the container, holding the embedded node's URL. */
    static final String OPENSEARCH_URL = "sluice.it.opensearch.url";

    private static final String KARAF_VERSION = "4.4.10";

    private static EmbeddedOpenSearch node;

    private SluiceContainer() {
    }

    /** The options of a Sluice container, plus any the test adds. */
    static Option[] options(Option... extra) {
        EmbeddedOpenSearch opensearch = node();
        String httpPort = String.valueOf(freePort());
        String localRepository = System.getProperty("maven.repo.local",
            System.getProperty("user.home") + "/.m2/repository");
        List<Option> options = new ArrayList<>(List.of(
            karafDistributionConfiguration()
                .frameworkUrl(new File(System.getProperty("sluice.assembly")).toURI().toString())
                .name("Sluice")
                .karafVersion(KARAF_VERSION)
                .unpackDirectory(new File("target/exam"))
                .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            // As bin/setenv does for the distribution: the Aries JAX-RS spec bundle embeds a jar Java 17.0.8+ rejects.
            vmOption("-Djdk.util.zip.disableZip64ExtraFieldValidation=true"),
            // What bin/karaf passes on Java 9 and later, and Pax Exam does not: without the spec locator in java.base,
            // the spec bundles CXF brings fail on every bundle event (NoClassDefFoundError: OsgiLocator).
            vmOption("--add-reads=java.xml=java.logging"),
            vmOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"),
            vmOption("--patch-module"),
            vmOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + KARAF_VERSION + ".jar"),
            vmOption("--patch-module"),
            vmOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + KARAF_VERSION + ".jar"),
            vmOption("--add-opens"),
            vmOption("java.base/java.security=ALL-UNNAMED"),
            vmOption("--add-opens"),
            vmOption("java.base/java.net=ALL-UNNAMED"),
            vmOption("--add-opens"),
            vmOption("java.base/java.lang=ALL-UNNAMED"),
            vmOption("--add-opens"),
            vmOption("java.base/java.util=ALL-UNNAMED"),
            logLevel(LogLevel.INFO),
            // Free ports: another Karaf or a second test run on this machine must not collide with us.
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", httpPort),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/io.sluice.opensearch.cfg", "hosts", opensearch.httpUri().toString()),
            // Hermetic: bundles come from the distribution's system/ folder or the local repository, never the network.
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepository),
            editConfigurationFilePut("etc/io.sluice.auth.cfg", "grants", Accounts.GRANTS),
            editConfigurationFilePut("etc/io.sluice.apikeys.cfg", "encryptionKey", Accounts.NODE_KEY),
            systemProperty(HTTP_PORT).value(httpPort),
            systemProperty(VERSION).value(System.getProperty("project.version")),
            systemProperty(OPENSEARCH_URL).value(opensearch.httpUri().toString()),
            systemProperty(LOGHUB).value(new File(System.getProperty("sluice.loghub")).getAbsolutePath())));
        for (String[] user : Accounts.USERS) {
            options.add(editConfigurationFilePut("etc/users.properties", user[0], user[1] + "," + user[2]));
        }
        options.addAll(Arrays.asList(extra));
        return options.toArray(Option[]::new);
    }

    /** The embedded node, started on first use. */
    static synchronized EmbeddedOpenSearch node() {
        if (node == null) {
            try {
                Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "opensearch-it-");
                node = EmbeddedOpenSearch.builder(home).httpPort("0").transportPort("0").start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }

        }
        return node;
    }

    /** Stops the node at the end of the test run (failsafe calls {@link StopNodeAfterTests}). */
    static synchronized void stopNode() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

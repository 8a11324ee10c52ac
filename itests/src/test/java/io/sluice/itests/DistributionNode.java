package io.sluice.itests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built distribution unpacked under {@code target/<folder>} and driven by its {@code bin/sluice}, as an operator or
 * a script drives it: on free ports of its own, with a known admin password. Runs in the test JVM, outside Karaf.
 */
final class DistributionNode {

    /** What a command did. */
    record Result(int exit, String stdout, String output) {
        List<String> stdoutLines() {
            return stdout.lines().toList();
        }
    }

    final Path home;
    final Map<String, String> env = new HashMap<>();

    private DistributionNode(Path home) {
        this.home = home;
    }

    /** Unpacks the distribution; nothing is started. */
    static DistributionNode install(String folder, String adminPassword) throws Exception {
        Path target = Files.createDirectories(Path.of("target", folder));
        DistributionNode node = new DistributionNode(Files.createTempDirectory(target, "sluice-").toAbsolutePath());
        Result untar = run(List.of("tar", "xzf", System.getProperty("sluice.assembly"), "-C", node.home.toString(),
            "--strip-components=1"), null, 60);
        if (untar.exit() != 0) {
            throw new AssertionError("cannot unpack the distribution: " + untar.output());
        }
        for (String port : List.of("SLUICE_SSH_PORT", "SLUICE_HTTP_PORT", "SLUICE_RMI_REGISTRY_PORT", "SLUICE_RMI_SERVER_PORT",
                "SLUICE_OPENSEARCH_PORT")) {
            node.env.put(port, String.valueOf(freePort()));
        }
        node.env.put("SLUICE_ADMIN_PASSWORD", adminPassword);
        return node;
    }

    /** The node's HTTP base URL. */
    String http() {
        return "http://127.0.0.1:" + env.get("SLUICE_HTTP_PORT");
    }

    /** Runs {@code bin/sluice} with these arguments. */
    Result sluice(int timeoutSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/sluice").toString()));
        command.addAll(List.of(args));
        return run(command, env, timeoutSeconds);
    }

    /** Runs {@code bin/sluice}, failing with its output unless it exits 0. */
    Result sluiceOk(int timeoutSeconds, String... args) throws Exception {
        Result result = sluice(timeoutSeconds, args);
        if (result.exit() != 0) {
            throw new AssertionError("bin/sluice " + String.join(" ", args) + " failed:\n" + result.output());
        }
        return result;
    }

    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        File stdout = File.createTempFile("out", ".txt");
        File stderr = File.createTempFile("err", ".txt");
        // An empty stdin: a command that would prompt (a password, say) fails at once instead of waiting for a reader.
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (env != null) {
            builder.environment().putAll(env);
        }
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
        }
        String out = Files.readString(stdout.toPath(), StandardCharsets.UTF_8);
        String err = Files.readString(stderr.toPath(), StandardCharsets.UTF_8);
        return new Result(process.exitValue(), out, out + err);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

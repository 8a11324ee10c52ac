package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The distribution's {@code bin/sluice}, as scripts and operators use it: start, status (its exact format), a refused
 * second start, one-shot console commands and their exit status, the console commands the demo relies on, and a stop
 * that leaves no process behind; and no password on a command line, in a log, in an index or in a file of {@code etc/}.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class NodeScriptIT {

    private static final String ADMIN_PASSWORD = "it-admin-" + Long.toHexString(System.nanoTime());
    private static final String VIEWER_PASSWORD = "it-viewer-" + Long.toHexString(System.nanoTime());

    private static DistributionNode node;
    private static Path home;

    @BeforeClass
    public static void install() throws Exception {
        node = DistributionNode.install("node-script-it", ADMIN_PASSWORD);
        node.env.put("SLUICE_VIEWER_PASSWORD", VIEWER_PASSWORD);
        home = node.home;
    }

    @AfterClass
    public static void stop() throws Exception {
        if (node != null) {
            node.sluice(120, "stop");
        }
    }

    @Test
    public void t1_aNodeStartsReportsItsEndpointsRunsCommandsAndStopsCleanly() throws Exception {
        DistributionNode.Result start = sluice(300, "start");
        assertEquals(start.output(), 0, start.exit());

        DistributionNode.Result status = sluice(60, "status");
        assertEquals(status.output(), 0, status.exit());
        assertEquals(List.of(
                "opensearch http://127.0.0.1:" + node.env.get("SLUICE_OPENSEARCH_PORT"),
                "http http://127.0.0.1:" + node.env.get("SLUICE_HTTP_PORT"),
                "ssh " + node.env.get("SLUICE_SSH_PORT")),
            status.stdoutLines());

        DistributionNode.Result second = sluice(60, "start");
        assertNotEquals(second.output(), 0, second.exit());
        assertTrue(second.output(), second.output().contains("already running"));

        DistributionNode.Result bundles = sluice(120, "console", "bundle:list -s");
        assertEquals(bundles.output(), 0, bundles.exit());
        for (String bundle : List.of("io.sluice.task.api", "io.sluice.opensearch.connection", "io.sluice.task.store",
                "io.sluice.scheduler", "io.sluice.rest", "io.sluice.shell")) {
            assertTrue(bundle + " not Active in:\n" + bundles.output(),
                bundles.output().lines().anyMatch(l -> l.contains("Active") && l.trim().endsWith(bundle)));
        }
        DistributionNode.Result unknown = sluice(120, "console", "no:such-command");
        assertNotEquals(unknown.output(), 0, unknown.exit());
        // SSH takes keys only (Karaf cannot throttle SSH password logins): even the right password is refused there.
        DistributionNode.Result byPassword = DistributionNode.run(List.of("bash", node.home.resolve("bin/client").toString(),
            "-h", "127.0.0.1", "-a", node.env.get("SLUICE_SSH_PORT"), "-u", "admin", "-p", node.env.get("SLUICE_ADMIN_PASSWORD"),
            "-r", "1", "bundle:list"), null, 120);
        assertNotEquals(byPassword.output(), 0, byPassword.exit());
        assertFalse(byPassword.output(), byPassword.output().contains("Active"));

        // The task lifecycle at the console, with the sample plugin installed at run time.
        assertConsole(0, "Bundle ID", "bundle:install -s mvn:io.sluice/sluice-sample-tasks/" + System.getProperty("project.version"));
        assertConsole(0, "sample_sleep", "task:types");
        assertConsole(0, "Scheduled sample_sleep_logs: in_progress",
            "task:schedule --stream logs --params '{\"steps\": 1000, \"stepMillis\": 1000, \"ignoreCancel\": true}' sample_sleep");
        assertConsole(0, "in_progress", "task:show sample_sleep_logs");
        assertConsole(0, "already in_progress", "task:schedule --stream logs sample_sleep");
        assertConsole(0, "sample_sleep_logs", "task:list --stream logs");
        // The run ignores its cancel, so the cancellation is still going on (for the 10 s grace) when we schedule.
        assertConsole(0, "sample_sleep_logs: being_canceled", "task:cancel sample_sleep_logs");
        assertConsole(1, "is being canceled", "task:schedule --stream logs sample_sleep");
        assertConsole(1, "only a completed task can be acknowledged", "task:ack sample_sleep_logs");
        assertConsole(1, "field 'steps': expected an integer", "task:schedule --stream logs.b --params '{\"steps\": \"x\"}' sample_sleep");

        // Every console command the source checkout's ./sluice (the demo) runs exists here: the demo once called
        // one that did not, and nothing else would notice.
        Set<String> demoCommands = Pattern.compile("console \"([a-z]+:[a-z-]+)")
            .matcher(Files.readString(Path.of(System.getProperty("sluice.script")))).results().map(m -> m.group(1))
            .collect(Collectors.toCollection(TreeSet::new));
        assertTrue("no console command found in ./sluice", demoCommands.contains("streams:identify"));
        for (String command : demoCommands) {
            assertConsole(0, command, command + " --help");
        }

        DistributionNode.Result stop = sluice(120, "stop");
        assertEquals(stop.output(), 0, stop.exit());
        DistributionNode.Result stopped = sluice(60, "status");
        assertNotEquals(stopped.output(), 0, stopped.exit());
        List<String> left = ProcessHandle.allProcesses()
            .map(p -> p.info().commandLine().orElse(""))
            .filter(c -> c.contains(home.toString()))
            .toList();
        assertEquals("processes left behind", List.of(), left);
    }

    @Test
    public void t2_noPasswordOnACommandLineInALogAnIndexOrAFileOfEtc() throws Exception {
        DistributionNode.Result start = sluice(300, "start");
        assertEquals(start.output(), 0, start.exit());
        List<String> secrets = List.of(ADMIN_PASSWORD, VIEWER_PASSWORD);
        // Both passwords used, right and wrong, so every path that could log them has run.
        HttpClient http = HttpClient.newHttpClient();
        for (String[] login : new String[][] {{"admin", ADMIN_PASSWORD}, {"viewer", VIEWER_PASSWORD}, {"viewer", ADMIN_PASSWORD}}) {
            http.send(HttpRequest.newBuilder(URI.create(node.http() + "/api/task_types")).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((login[0] + ":" + login[1]).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        }

        // The console logs in with its key: while a command runs, no process's command line holds a password.
        CompletableFuture<DistributionNode.Result> console = CompletableFuture.supplyAsync(() -> {
            try {
                return sluice(120, "console", "shell:sleep 4");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        boolean sawClient = false;
        DistributionNode.Result consoleResult = null;
        while (consoleResult == null) {
            for (String commandLine : ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")).toList()) {
                sawClient |= commandLine.contains("org.apache.karaf.client.Main");
                for (String secret : secrets) {
                    assertFalse("a password on a command line: " + commandLine, commandLine.contains(secret));
                }
            }
            try {
                consoleResult = console.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running: look again
            }
        }
        assertEquals(consoleResult.output(), 0, consoleResult.exit());
        assertTrue("the console's client process was never seen: the scan proved nothing", sawClient);

        // At rest: etc/ (users.properties holds hashes), every log, and every document of every index.
        List<Path> files;
        try (Stream<Path> walk = Stream.concat(Files.walk(home.resolve("etc")), Files.walk(home.resolve("data").resolve("log")))) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.toString(), files.stream().anyMatch(f -> f.endsWith("users.properties"))
            && files.stream().anyMatch(f -> f.getFileName().toString().startsWith("karaf")));
        for (Path file : files) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertFalse("a password in " + home.relativize(file), content.contains(secret));
            }
        }
        String users = Files.readString(home.resolve("etc").resolve("users.properties"));
        assertTrue(users, users.lines().anyMatch(l -> l.startsWith("admin = {CRYPT}")));
        String opensearch = "http://127.0.0.1:" + node.env.get("SLUICE_OPENSEARCH_PORT");
        http.send(HttpRequest.newBuilder(URI.create(opensearch + "/_refresh?expand_wildcards=all"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        for (String secret : secrets) {
            String hits = http.send(HttpRequest.newBuilder(URI.create(opensearch + "/*/_count?expand_wildcards=all"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"query_string\":{\"query\":\"\\\"" + secret + "\\\"\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(hits, hits.startsWith("{\"count\":0,"));
        }
        DistributionNode.Result stop = sluice(120, "stop");
        assertEquals(stop.output(), 0, stop.exit());
    }

    @Test
    public void t3_aDeadOpenSearchIsStartedAgainByItsSupervisorAndStartStartsTheHalfThatIsDown() throws Exception {
        DistributionNode.Result start = sluice(300, "start");
        assertEquals(start.output(), 0, start.exit());
        Path nodePid = home.resolve("data").resolve("opensearch").resolve("node.pid");
        long killed = Long.parseLong(Files.readString(nodePid).trim());
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        // Its supervisor starts it again on the same port, and Karaf's client finds it there.
        Await.until(Duration.ofSeconds(180), () -> exitOf("status") == 0 && !read(nodePid).equals(String.valueOf(killed)),
            () -> "OpenSearch was not started again");
        assertTrue(Files.readString(home.resolve("data").resolve("log").resolve("opensearch.log"))
            .contains("(pid " + killed + ") exited with status"));
        Await.until(Duration.ofSeconds(120), () -> apiStatus() == 200, () -> "the API did not recover");

        // Supervisor and node both gone: status names the half that is down, start starts only that half.
        long karaf = Long.parseLong(Files.readString(home.resolve("karaf.pid")).trim());
        long supervisor = Long.parseLong(Files.readString(home.resolve("data").resolve("opensearch").resolve("supervisor.pid")).trim());
        ProcessHandle.of(supervisor).ifPresent(ProcessHandle::destroyForcibly);
        long node = Long.parseLong(Files.readString(nodePid).trim());
        ProcessHandle.of(node).ifPresent(ProcessHandle::destroyForcibly);
        Await.until(Duration.ofSeconds(60), () -> ProcessHandle.of(node).map(ProcessHandle::isAlive).orElse(false) == false,
            () -> "the node did not die");
        DistributionNode.Result down = sluice(60, "status");
        assertNotEquals(down.output(), 0, down.exit());
        assertTrue(down.output(), down.output().contains("the embedded OpenSearch is not running"));
        DistributionNode.Result again = sluice(300, "start");
        assertEquals(again.output(), 0, again.exit());
        assertTrue(again.output(), again.output().contains("starting the embedded OpenSearch"));
        assertEquals("Karaf was left running", String.valueOf(karaf), Files.readString(home.resolve("karaf.pid")).trim());
        Await.until(Duration.ofSeconds(120), () -> apiStatus() == 200, () -> "the API did not recover");
        DistributionNode.Result stop = sluice(120, "stop");
        assertEquals(stop.output(), 0, stop.exit());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static int exitOf(String command) {
        try {
            return sluice(60, command).exit();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The status code of an authenticated request that needs the task store. */
    private static int apiStatus() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.http() + "/api/tasks"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void assertConsole(int exit, String expected, String command) throws Exception {
        DistributionNode.Result result = sluice(120, "console", command);
        assertTrue(command + " printed:\n" + result.output(), result.output().contains(expected));
        if (exit == 0) {
            assertEquals(command + ":\n" + result.output(), 0, result.exit());
        } else {
            assertNotEquals(command + ":\n" + result.output(), 0, result.exit());
            assertTrue("not one clear line:\n" + result.output(), !result.output().contains("\tat "));
        }
    }

    private static DistributionNode.Result sluice(int timeoutSeconds, String... args) throws Exception {
        return node.sluice(timeoutSeconds, args);
    }
}

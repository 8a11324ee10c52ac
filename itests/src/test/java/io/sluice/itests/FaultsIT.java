package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Faults against a real distribution on loopback: the embedded OpenSearch killed under load, the task index blocked
 * read-only as a full disk blocks it, generated malformed requests and console lines, a plugin updated while its tasks
 * run, and a second node sharing the store killed at random moments. Each scenario adds a row (scenario, tasks, lost,
 * run twice, recovery seconds, server errors) to {@code target/faults/faults.md} and {@code faults.json}.
 *
 * <p>{@code -Dsluice.faults=quick} (what {@code ./sluice test} runs) uses small numbers; {@code full} (what
 * {@code ./sluice faults} runs) the issue's. Every request's answer is counted from the response received.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class FaultsIT {

    private static final boolean FULL = "full".equals(System.getProperty("sluice.faults", "quick"));
    private static final String PASSWORD = "faults-" + Long.toHexString(System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final Path REPORT = Path.of("target", "faults");
    private static final List<String> ROWS = new ArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DistributionNode node;
    /** A second node on the first one's OpenSearch, started by the scenario that kills nodes. */
    private static DistributionNode second;
    private static HttpClient http;

    @BeforeClass
    public static void start() throws Exception {
        node = DistributionNode.install("faults-it", PASSWORD);
        node.sluiceOk(300, "start");
        node.sluiceOk(300, "console", "feature:install sluice-sample-tasks");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Await.until(WAIT, () -> call("GET", "/api/task_types", null).body().contains("sample_sleep"), () -> "no sample_sleep");
        Files.createDirectories(REPORT);
    }

    @AfterClass
    public static void stopAndReport() throws Exception {
        if (second != null) {
            second.sluice(120, "stop");
        }
        if (node != null) {
            node.sluice(120, "stop");
        }
        String table = "| scenario | tasks | lost | run twice | recovery s | server errors |\n|---|---|---|---|---|---|\n"
            + String.join("\n", ROWS) + "\n";
        Files.writeString(REPORT.resolve("faults.md"), table);
        Files.writeString(REPORT.resolve("faults.json"), "[" + String.join(",", ROWS.stream().map(FaultsIT::json).toList()) + "]\n");
        System.out.println("faults (" + (FULL ? "full" : "quick") + "):\n" + table);
    }

    @Test
    public void t1_openSearchKilledUnderLoadAnswers503ComesBackAndLosesNothing() throws Exception {
        int tasks = FULL ? 300 : 30;
        for (int i = 0; i < tasks; i++) {
            HttpResponse<String> scheduled = call("POST", "/api/tasks",
                "{\"type\":\"sample_sleep\",\"id\":\"kill-" + i + "\",\"params\":{\"steps\":10,\"stepMillis\":200}}");
            assertEquals(scheduled.body(), 201, scheduled.statusCode());
        }
        Path pidFile = node.home.resolve("data").resolve("opensearch").resolve("node.pid");
        long killed = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        long killedAt = System.nanoTime();
        // Calls during the outage: each answer counted, until the store answers again. A listing is a search: it needs
        // the store (a single task's status may be answered from the node's memory of its own writes).
        int outage503 = 0;
        int other5xx = 0;
        int[] last = new int[1];
        while (true) {
            last[0] = callQuietly("GET", "/api/tasks?size=1", null);
            if (last[0] == 200) {
                break;
            }
            if (last[0] == 503) {
                outage503++;
            } else if (last[0] >= 500) {
                other5xx++;
            }
            assertTrue("the store did not come back", System.nanoTime() - killedAt < WAIT.toNanos());
        }
        double recovery = (System.nanoTime() - killedAt) / 1e9;
        Map<String, Integer> outcome = awaitEnd("kill-", tasks);
        ROWS.add(row("OpenSearch killed (SIGKILL) under " + tasks + " running tasks; its supervisor restarts it", tasks,
            outcome.get("lost"), outcome.get("twice"), recovery, other5xx));
        assertTrue("no call was made while the store was down: the scenario proved nothing", outage503 > 0);
        assertEquals("answers other than 503 while the store was down", 0, other5xx);
        assertEquals("tasks lost", 0, (int) outcome.get("lost"));
    }

    @Test
    public void t2_theTaskIndexBlockedReadOnlyGivesClearErrorsAndRecoversWhenLifted() throws Exception {
        String opensearch = opensearch();
        settings(opensearch, "true");
        int other5xx = 0;
        long liftedAt;
        try {
            HttpResponse<String> refused = call("POST", "/api/tasks", "{\"type\":\"sample_sleep\",\"id\":\"blocked\",\"params\":{\"steps\":1}}");
            if (refused.statusCode() >= 500 && refused.statusCode() != 503) {
                other5xx++;
            }
            assertTrue(refused.statusCode() + " " + refused.body(), refused.statusCode() == 503 || refused.statusCode() == 429);
            assertTrue(refused.body(), refused.body().contains("\"message\""));
        } finally {
            settings(opensearch, "null");
            liftedAt = System.nanoTime();
        }
        int[] code = new int[1];
        Await.until(WAIT, () -> (code[0] = callQuietly("POST", "/api/tasks",
            "{\"type\":\"sample_sleep\",\"id\":\"blocked\",\"params\":{\"steps\":1}}")) == 201, () -> "still " + code[0]);
        double recovery = (System.nanoTime() - liftedAt) / 1e9;
        Map<String, Integer> outcome = awaitEnd("blocked", 1);
        ROWS.add(row("task index blocked read-only (as a full disk does), then lifted", 1, outcome.get("lost"),
            outcome.get("twice"), recovery, other5xx));
        assertEquals(0, (int) outcome.get("lost"));
    }

    @Test
    public void t3_generatedMalformedRequestsGetNoServerErrorAndChangeNothing() throws Exception {
        int requests = FULL ? 1000 : 200;
        long seed = Long.getLong("sluice.faults.seed", System.nanoTime());
        Map<String, Map<String, Long>> before = everyDocument();
        Random random = new Random(seed);
        List<String> serverErrors = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            MalformedRequest request = MalformedRequest.generate(random);
            HttpResponse<String> answer = http.send(request.build(node.http(), PASSWORD), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() >= 500 || answer.statusCode() < 400) {
                serverErrors.add(request + " -> " + answer.statusCode() + " " + answer.body());
            }
        }
        Map<String, Map<String, Long>> after = everyDocument();
        ROWS.add(row(requests + " generated malformed HTTP requests (seed " + seed + ")", 0, 0, 0, 0, serverErrors.size()));
        assertEquals("not a 4xx (seed " + seed + "): " + serverErrors, List.of(), serverErrors);
        assertEquals("a malformed request changed a document (seed " + seed + ")", before, after);
    }

    @Test
    public void t4_generatedMalformedConsoleLinesGetAnErrorLineAndChangeNothing() throws Exception {
        int lines = FULL ? 200 : 20;
        long seed = Long.getLong("sluice.faults.seed", System.nanoTime());
        // A stream that exists, so that the checks behind "stream not found" are reached too.
        Path file = Files.writeString(REPORT.resolve("console-stream.log"),
            "2026-01-01T00:00:00Z INFO one\n2026-01-01T00:00:01Z WARN two\n2026-01-01T00:00:02Z ERROR three\n");
        node.sluiceOk(120, "console", "streams:ingest " + MalformedConsoleLine.STREAM + " " + file.toAbsolutePath());
        Map<String, Map<String, Long>> before = everyDocument();
        Random random = new Random(seed);
        List<MalformedConsoleLine> generated = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            generated.add(MalformedConsoleLine.generate(random));
        }
        // Each line is its own console session (a failed command ends a batch); three at a time.
        ExecutorService sessions = Executors.newFixedThreadPool(3);
        List<String> unclear = new ArrayList<>();
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (MalformedConsoleLine line : generated) {
                answers.add(sessions.submit(() -> judge(line, node.sluice(120, "console", line.line()))));
            }
            for (Future<String> answer : answers) {
                String problem = answer.get();
                if (problem != null) {
                    unclear.add(problem);
                }
            }
        } finally {
            sessions.shutdownNow();
        }
        Map<String, Map<String, Long>> after = everyDocument();
        long distinct = generated.stream().map(MalformedConsoleLine::line).distinct().count();
        ROWS.add(row(lines + " generated malformed console lines (" + distinct + " distinct, seed " + seed + ")", 0, 0, 0, 0,
            unclear.size()));
        assertEquals("not refused with a clear error line (seed " + seed + "): " + unclear, List.of(), unclear);
        assertEquals("a malformed console line changed a document (seed " + seed + ")", before, after);
    }

    /** Null if the console refused the line with an error line of its own words; else what was wrong. */
    private static String judge(MalformedConsoleLine line, DistributionNode.Result result) {
        String output = result.output().replaceAll("\u001B\\[[0-9;]*m", "");
        boolean errorLine = output.lines().anyMatch(l -> l.startsWith("Error executing command"));
        // An exception's class name or a stack frame is the server failing, not the console refusing the line.
        boolean internal = output.contains("Exception") || output.contains("\tat ") || output.contains("Error executing command: null");
        return result.exit() != 0 && errorLine && !internal ? null : line + " -> exit " + result.exit() + ": " + output.strip();
    }

    @Test
    public void t5_aPluginUpdatedWhileItsTasksRunLosesAndFailsNone() throws Exception {
        int tasks = FULL ? 200 : 50;
        int updates = FULL ? 20 : 5;
        for (int i = 0; i < tasks; i++) {
            HttpResponse<String> scheduled = call("POST", "/api/tasks",
                "{\"type\":\"sample_sleep\",\"id\":\"update-" + i + "\",\"params\":{\"steps\":10,\"stepMillis\":500}}");
            assertEquals(scheduled.body(), 201, scheduled.statusCode());
        }
        int serverErrors = 0;
        for (int update = 1; update <= updates; update++) {
            // The list is a search: tasks written within the last refresh (1 s) are not in it yet.
            String[] running = new String[1];
            int current = update;
            Await.until(Duration.ofSeconds(5), () -> (running[0] = call("GET",
                    "/api/tasks?type=sample_sleep&status=in_progress&size=1", null).body()).contains("\"id\":\"update-"),
                () -> "update " + current + " of " + updates + " would not happen while tasks run: " + running[0]);
            // bundle:update stops the bundle (its task type goes away, its runs are released), installs it again from
            // its location and starts it (the type is back and the released tasks are claimed again).
            node.sluiceOk(120, "console", "bundle:update io.sluice.sample.tasks");
            int answer = callQuietly("GET", "/api/tasks/update-0", null);
            if (answer >= 500) {
                serverErrors++;
            }
        }
        Map<String, Integer> outcome = awaitEnd("update-", tasks);
        ROWS.add(row("plugin bundle updated " + updates + " times while its " + tasks + " tasks run (a released run starts "
            + "again: run twice)", tasks, outcome.get("lost"), outcome.get("twice"), 0, serverErrors));
        assertEquals("tasks not completed", 0, (int) outcome.get("lost"));
        assertEquals("5xx answers while the plugin was updated", 0, serverErrors);
    }

    @Test
    public void t6_twoNodesOneKilledAtRandomMomentsLoseNothingAndRunTwiceOnlyAcrossAKill() throws Exception {
        int tasks = FULL ? 1000 : 60;
        int kills = FULL ? 5 : 1;
        second = DistributionNode.install("faults-it-b", PASSWORD);
        second.env.put("SLUICE_OPENSEARCH_URL", opensearch());
        // Nodes sharing a store share the key that seals task credentials, and have ids of their own.
        Files.copy(node.home.resolve("etc/io.sluice.apikeys.cfg"), second.home.resolve("etc/io.sluice.apikeys.cfg"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(second.home.resolve("etc/io.sluice.scheduler.cfg"), "\nnodeId = " + SECOND_NODE_ID + "\n",
            java.nio.file.StandardOpenOption.APPEND);
        second.sluiceOk(300, "start");
        second.sluiceOk(300, "console", "feature:install sluice-sample-tasks");
        Await.until(WAIT, () -> callQuietlyBody(second, "/api/task_types").contains("sample_sleep"), () -> "no sample_sleep on the second node");

        for (int i = 0; i < tasks; i++) {
            HttpResponse<String> scheduled = call("POST", "/api/tasks",
                "{\"type\":\"sample_sleep\",\"id\":\"nodes-" + i + "\",\"params\":{\"steps\":4,\"stepMillis\":500}}");
            assertEquals(scheduled.body(), 201, scheduled.statusCode());
        }
        long seed = Long.getLong("sluice.faults.seed", System.nanoTime());
        Random random = new Random(seed);
        java.util.Set<String> runningOnAKilledNode = new java.util.TreeSet<>();
        double worstTakeover = 0;
        int killed = 0;
        while (killed < kills && unfinished("nodes-") > 0) {
            // A random moment: the point of the scenario, not a wait for a condition.
            Thread.sleep(1000 + random.nextInt(FULL ? 6000 : 3000));
            boolean victimIsSecond = random.nextBoolean();
            DistributionNode victim = victimIsSecond ? second : node;
            long pid = Long.parseLong(Files.readString(victim.home.resolve("karaf.pid")).trim());
            ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
            process.destroyForcibly();
            process.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            long killedAt = System.nanoTime();
            killed++;
            // What the dead node held: it writes nothing more, so one refreshed search sees exactly that.
            List<String> held = heldBy(victimIsSecond);
            runningOnAKilledNode.addAll(held);
            Await.until(WAIT, () -> heldBy(victimIsSecond).isEmpty(), () -> "still held by the killed node: " + heldBy(victimIsSecond));
            worstTakeover = Math.max(worstTakeover, (System.nanoTime() - killedAt) / 1e9);
            victim.sluiceOk(300, "start");
        }
        Map<String, Integer> outcome = awaitEnd("nodes-", tasks);
        List<String> twiceWithoutAKill = everyTask("nodes-").entrySet().stream()
            .filter(e -> e.getValue().path("attempt").asInt() > 1 && !runningOnAKilledNode.contains(e.getKey()))
            .map(Map.Entry::getKey).toList();
        ROWS.add(row("2 nodes, " + tasks + " tasks, a node's Karaf killed (SIGKILL) at " + killed + " random moments (seed " + seed
            + "); recovery: worst time from a kill until the dead node holds none of its tasks", tasks, outcome.get("lost"), outcome.get("twice"),
            worstTakeover, 0));
        assertTrue("no node was killed while tasks ran: the scenario proved nothing", killed > 0);
        assertTrue("no killed node held a running task: the scenario proved nothing", !runningOnAKilledNode.isEmpty());
        assertEquals("tasks lost", 0, (int) outcome.get("lost"));
        assertEquals("run twice without having run on a killed node (seed " + seed + ")", List.of(), twiceWithoutAKill);
    }

    @Test
    public void t7_aThreeNodeClusterLosingTheTaskIndexPrimaryLosesNothingAndRunsNothingTwice() throws Exception {
        // Three more JVMs and a third Karaf: too heavy for ./sluice test on two cores; ./sluice faults runs it.
        Assume.assumeTrue("the three-node cluster runs in the full fault suite only (./sluice faults)", FULL);
        int tasks = 300;
        List<Process> cluster = new ArrayList<>();
        List<String> names = List.of("os-1", "os-2", "os-3");
        List<Integer> httpPorts = new ArrayList<>();
        List<Integer> transportPorts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            httpPorts.add(DistributionNode.freePort());
            transportPorts.add(DistributionNode.freePort());
        }
        String seeds = String.join(",", transportPorts.stream().map(p -> "127.0.0.1:" + p).toList());
        DistributionNode third = DistributionNode.install("faults-it-c", PASSWORD);
        try {
            for (int i = 0; i < names.size(); i++) {
                Path home = third.home.resolve("cluster").resolve(names.get(i));
                cluster.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms256m", "-Xmx512m", "-cp", third.home.resolve("opensearch/lib") + "/*",
                    "io.sluice.opensearch.node.EmbeddedOpenSearchMain", "--home", home.toString(),
                    "--http-port", String.valueOf(httpPorts.get(i)), "--transport-port", String.valueOf(transportPorts.get(i)),
                    "--ready-file", home.resolve("ready.json").toString(), "--cluster-name", "faults-three",
                    "--node-name", names.get(i), "--seed-hosts", seeds, "--cluster-manager-nodes", String.join(",", names))
                    .redirectErrorStream(true).redirectOutput(Files.createDirectories(home).resolve("out.txt").toFile()).start());
            }
            for (int i = 0; i < names.size(); i++) {
                Path ready = third.home.resolve("cluster").resolve(names.get(i)).resolve("ready.json");
                Await.until(WAIT, () -> Files.exists(ready), () -> "an OpenSearch node of the cluster did not start: " + ready);
            }
            String hosts = String.join(",", httpPorts.stream().map(p -> "http://127.0.0.1:" + p).toList());
            third.env.put("SLUICE_OPENSEARCH_URL", hosts);
            third.sluiceOk(300, "start");
            third.sluiceOk(300, "console", "feature:install sluice-sample-tasks");
            Await.until(WAIT, () -> callQuietlyBody(third, "/api/task_types").contains("sample_sleep"), () -> "no sample_sleep");
            String any = "http://127.0.0.1:" + httpPorts.get(0);
            String green = get(any + "/_cluster/health/.sluice-tasks?wait_for_status=green&timeout=120s");
            assertTrue("the task index is not green: " + green, green.contains("\"status\":\"green\""));
            // Green alone would hold for an index without replicas.
            String copies = get(any + "/_cat/shards/.sluice-tasks?h=prirep,state");
            assertTrue("the task index has no started replica: " + copies, copies.lines().anyMatch(l -> l.matches("r\\s+STARTED")));

            for (int i = 0; i < tasks; i++) {
                HttpResponse<String> scheduled = http.send(request(third, "POST", "/api/tasks",
                    "{\"type\":\"sample_sleep\",\"id\":\"cluster-" + i + "\",\"params\":{\"steps\":4,\"stepMillis\":500}}"),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(scheduled.body(), 201, scheduled.statusCode());
            }
            String shards = get(any + "/_cat/shards/.sluice-tasks?h=prirep,node");
            String primaryNode = shards.lines().filter(l -> l.startsWith("p ")).map(l -> l.substring(2).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("no primary in " + shards));
            long termBefore = primaryTerm(any);
            int victim = names.indexOf(primaryNode);
            cluster.get(victim).destroyForcibly().waitFor();
            long killedAt = System.nanoTime();
            String survivor = "http://127.0.0.1:" + httpPorts.get((victim + 1) % names.size());
            // Calls while the replica takes over: each answer counted, until a schedule is accepted again.
            int serverErrors = 0;
            int code;
            int probe = 0;
            while ((code = callQuietlyAt(third, "POST", "/api/tasks",
                    "{\"type\":\"sample_sleep\",\"id\":\"cluster-probe-" + probe++ + "\",\"params\":{\"steps\":1}}")) != 201) {
                if (code >= 500 && code != 503) {
                    serverErrors++;
                }
                assertTrue("the cluster did not take writes again", System.nanoTime() - killedAt < WAIT.toNanos());
            }
            double recovery = (System.nanoTime() - killedAt) / 1e9;
            Map<String, Integer> outcome = awaitEnd(third, "cluster-", tasks);
            long termAfter = primaryTerm(survivor);
            ROWS.add(row("3-node OpenSearch cluster (task index 1 replica), the node holding its primary (" + primaryNode
                + ") killed under " + tasks + " tasks; primary term " + termBefore + " -> " + termAfter, tasks,
                outcome.get("lost"), outcome.get("twice"), recovery, serverErrors));
            assertTrue("the replica did not become primary under a new term", termAfter > termBefore);
            assertEquals("tasks lost", 0, (int) outcome.get("lost"));
            assertEquals("tasks run twice", 0, (int) outcome.get("twice"));
            assertEquals("server errors other than 503", 0, serverErrors);
        } finally {
            third.sluice(120, "stop");
            for (Process process : cluster) {
                process.destroy();
                process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /** The task index's primary term, as the index's first stored document reports it. */
    private static long primaryTerm(String opensearch) throws IOException, InterruptedException {
        String found = get(opensearch + "/.sluice-tasks/_search?size=1&seq_no_primary_term=true&_source=false&sort=_seq_no:desc");
        Matcher term = Pattern.compile("\"_primary_term\":(\\d+)").matcher(found);
        assertTrue(found, term.find());
        return Long.parseLong(term.group(1));
    }

    private static final String SECOND_NODE_ID = "faults-b";

    /** The body of a GET straight to OpenSearch (not through Sluice). */
    private static String get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Tasks {@code prefix}N not yet completed or failed, from the store. */
    private static long unfinished(String prefix) throws IOException, InterruptedException {
        return everyTask(prefix).values().stream()
            .filter(t -> !List.of("completed", "failed").contains(t.path("status").asText())).count();
    }

    /** Ids of running tasks the second node holds, or (false) any other node. */
    private static List<String> heldBy(boolean secondNode) {
        try {
            return everyTask("nodes-").entrySet().stream()
                .filter(e -> List.of("in_progress", "being_canceled").contains(e.getValue().path("status").asText()))
                .filter(e -> e.getValue().hasNonNull("node") && SECOND_NODE_ID.equals(e.getValue().path("node").asText()) == secondNode)
                .map(Map.Entry::getKey).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every task document whose id starts with {@code prefix}, read from the store after a refresh. */
    private static Map<String, JsonNode> everyTask(String prefix) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(opensearch() + "/.sluice-tasks/_refresh")).POST(HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(opensearch() + "/.sluice-tasks/_search"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"size\":10000,\"_source\":[\"status\",\"node\",\"attempt\"],"
                + "\"query\":{\"prefix\":{\"id\":\"" + prefix + "\"}}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(found.body(), 200, found.statusCode());
        Map<String, JsonNode> tasks = new TreeMap<>();
        for (JsonNode hit : JSON.readTree(found.body()).path("hits").path("hits")) {
            tasks.put(hit.path("_id").asText(), hit.path("_source"));
        }
        return tasks;
    }

    private static String opensearch() {
        return "http://127.0.0.1:" + node.env.get("SLUICE_OPENSEARCH_PORT");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Waits until every task {@code prefix}N (or the one task {@code prefix}) has ended; counts lost and re-run ones. */
    private static Map<String, Integer> awaitEnd(String prefix, int tasks) {
        return awaitEnd(node, prefix, tasks);
    }

    private static Map<String, Integer> awaitEnd(DistributionNode target, String prefix, int tasks) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(tasks == 1 && !prefix.endsWith("-") ? prefix : prefix + i);
        }
        Map<String, String> bodies = new TreeMap<>();
        Await.until(WAIT, () -> {
            for (String id : ids) {
                String body = callQuietlyBody(target, "/api/tasks/" + id);
                bodies.put(id, body);
                if (!body.contains("\"status\":\"completed\"") && !body.contains("\"status\":\"failed\"")) {
                    return false;
                }
            }
            return true;
        }, () -> "not ended: " + bodies.entrySet().stream().filter(e -> !e.getValue().contains("\"status\":\"completed\""))
            .map(Map.Entry::getKey).toList());
        int lost = 0;
        int twice = 0;
        for (String body : bodies.values()) {
            if (!body.contains("\"status\":\"completed\"")) {
                lost++;
            }
            Matcher attempt = Pattern.compile("\"attempt\":(\\d+)").matcher(body);
            if (attempt.find() && Integer.parseInt(attempt.group(1)) > 1) {
                twice++;
            }
        }
        return Map.of("lost", lost, "twice", twice);
    }

    private static void settings(String opensearch, String value) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(opensearch + "/.sluice-tasks*/_settings?expand_wildcards=all"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"index.blocks.read_only_allow_delete\":" + value + "}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(answer.body(), 200, answer.statusCode());
    }

    /** Every document of every index but the node leases, with its sequence number, once no task runs. */
    private static Map<String, Map<String, Long>> everyDocument() throws IOException, InterruptedException {
        String opensearch = opensearch();
        http.send(HttpRequest.newBuilder(URI.create(opensearch + "/_refresh?expand_wildcards=all")).POST(HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.ofString());
        String hits = get(opensearch + "/*/_search?expand_wildcards=all&size=10000&seq_no_primary_term=true&_source=false");
        Map<String, Map<String, Long>> documents = new TreeMap<>();
        Matcher hit = Pattern.compile("\"_index\":\"([^\"]+)\",\"_id\":\"([^\"]+)\"[^}]*?\"_seq_no\":(\\d+)").matcher(hits);
        while (hit.find()) {
            if (!hit.group(1).contains("-nodes")) {
                documents.computeIfAbsent(hit.group(1), i -> new TreeMap<>()).put(hit.group(2), Long.parseLong(hit.group(3)));
            }
        }
        assertTrue("no documents seen: " + hits.substring(0, Math.min(300, hits.length())), !documents.isEmpty());
        return documents;
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        try {
            return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int callQuietly(String method, String path, String body) {
        return callQuietlyAt(node, method, path, body);
    }

    private static int callQuietlyAt(DistributionNode target, String method, String path, String body) {
        try {
            return http.send(request(target, method, path, body), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String callQuietlyBody(String path) {
        return callQuietlyBody(node, path);
    }

    private static String callQuietlyBody(DistributionNode target, String path) {
        try {
            return http.send(request(target, "GET", path, null), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static HttpRequest request(String method, String path, String body) {
        return request(node, method, path, body);
    }

    private static HttpRequest request(DistributionNode target, String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create(target.http() + path)).timeout(Duration.ofSeconds(60))
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
            .header("kbn-xsrf", "t").header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String row(String scenario, int tasks, int lost, int twice, double recovery, int serverErrors) {
        return String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %.1f | %d |", scenario, tasks, lost, twice, recovery, serverErrors);
    }

    private static String json(String row) {
        String[] cells = row.substring(2, row.length() - 2).split(" \\| ");
        return String.format(java.util.Locale.ROOT, "{\"scenario\":\"%s\",\"tasks\":%s,\"lost\":%s,\"run_twice\":%s,\"recovery_s\":%s,\"server_errors\":%s}",
            cells[0].replace("\"", "'"), cells[1], cells[2], cells[3], cells[4], cells[5]);
    }
}

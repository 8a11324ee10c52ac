package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Faults against a real distribution on loopback: the embedded OpenSearch killed under load, the task index blocked
 * read-only as a full disk blocks it, and generated malformed requests. Each scenario adds a row (scenario, tasks,
 * lost, run twice, recovery seconds, 5xx answers) to {@code target/faults/faults.md} and {@code faults.json}.
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

    private static DistributionNode node;
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
        if (node != null) {
            node.sluice(120, "stop");
        }
        String table = "| scenario | tasks | lost | run twice | recovery s | 5xx |\n|---|---|---|---|---|---|\n"
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
        String opensearch = "http://127.0.0.1:" + node.env.get("SLUICE_OPENSEARCH_PORT");
        settings(opensearch, "true");
        int other5xx = 0;
        long liftedAt;
        try {
            HttpResponse<String> refused = call("POST", "/api/tasks", "{\"type\":\"sample_sleep\",\"id\":\"blocked\",\"params\":{\"steps\":1}}");
            assertTrue(refused.statusCode() + " " + refused.body(), refused.statusCode() == 503 || refused.statusCode() == 429);
            assertTrue(refused.body(), refused.body().contains("\"message\""));
            if (refused.statusCode() >= 500 && refused.statusCode() != 503) {
                other5xx++;
            }
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

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Waits until every task {@code prefix}N (or the one task {@code prefix}) has ended; counts lost and re-run ones. */
    private static Map<String, Integer> awaitEnd(String prefix, int tasks) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(tasks == 1 && !prefix.endsWith("-") ? prefix : prefix + i);
        }
        Map<String, String> bodies = new TreeMap<>();
        Await.until(WAIT, () -> {
            for (String id : ids) {
                String body = callQuietlyBody("/api/tasks/" + id);
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
        String opensearch = "http://127.0.0.1:" + node.env.get("SLUICE_OPENSEARCH_PORT");
        http.send(HttpRequest.newBuilder(URI.create(opensearch + "/_refresh?expand_wildcards=all")).POST(HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.ofString());
        String hits = http.send(HttpRequest.newBuilder(URI.create(opensearch + "/*/_search?expand_wildcards=all&size=10000&seq_no_primary_term=true&_source=false"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
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
        try {
            return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String callQuietlyBody(String path) {
        try {
            return http.send(request("GET", path, null), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static HttpRequest request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create(node.http() + path)).timeout(Duration.ofSeconds(60))
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

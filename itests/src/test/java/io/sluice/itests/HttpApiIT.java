package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.sluice.security.TaskApiKey;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskRecord;
import io.sluice.store.TaskStore;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskError;
import io.sluice.task.TaskStatus;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ExpandWildcard;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Refresh;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/** The HTTP API in a real Karaf, over real HTTP, with real users from the Karaf realm. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpApiIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> USERS = List.of("admin", "ops", "viewer", "nobody");
    private static final List<String> STREAMS = List.of("logs.a", "logs.b", "logs.zz");
    private static final List<String> ACTIONS = List.of("status", "schedule", "cancel", "acknowledge");

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    OpenSearchClient opensearch;

    @Inject
    @Filter(timeout = 60_000)
    TaskStore store;

    @Inject
    ConfigurationAdmin configurations;

    private final Http http = new Http();

    @Configuration
    public Option[] configuration() {
        return SluiceContainer.options();
    }

    @Before
    public void streamsAndPlugin() throws Exception {
        for (String stream : List.of("logs.a", "logs.b")) {
            opensearch.index(i -> i.index(stream).id("1").document(Map.of("message", "hello " + stream)).refresh(Refresh.True));
        }
        if (Set.of(context.getBundles()).stream().noneMatch(b -> b.getSymbolicName().equals("io.sluice.sample.tasks"))) {
            Bundle plugin = context.installBundle("mvn:io.sluice/sluice-sample-tasks/" + System.getProperty(SluiceContainer.VERSION));
            plugin.start();
        }
        // The routes come up with the REST bundle; wait for them rather than for luck.
        Await.until(WAIT, () -> send("admin", "GET", "/api/task_types", null).statusCode() == 200
                && send("admin", "GET", "/api/task_types", null).body().contains("sample_count"),
            () -> "the task routes or the sample plugin are not up");
    }

    @Test
    public void everyUserStreamActionAndRouteFormGetsItsOwnCode() {
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        // What the rules decide on: how the user may reach the stream, whether it exists, the action, the route form.
        Set<String> decisions = new java.util.TreeSet<>();
        for (String user : USERS) {
            for (String stream : STREAMS) {
                for (String action : ACTIONS) {
                    for (boolean splitForm : new boolean[] {false, true}) {
                        int expected = expected(user, stream, action);
                        int actual = streamRoute(user, stream, action, splitForm).statusCode();
                        cells++;
                        String access = user.equals("admin") || (user.equals("ops") && stream.equals("logs.a")) ? "manage"
                            : user.equals("viewer") ? "read" : "none";
                        decisions.add(access + " " + !stream.equals("logs.zz") + " " + action + " " + splitForm);
                        if (expected != actual) {
                            wrong.add(user + " " + action + " " + stream + (splitForm ? " (_status/_task)" : " (_identify)")
                                + ": expected " + expected + ", got " + actual);
                        }
                    }
                }
            }
        }
        for (String stranger : List.of("anonymous", "intruder")) {
            for (String stream : STREAMS) {
                for (String action : ACTIONS) {
                    for (boolean splitForm : new boolean[] {false, true}) {
                        cells++;
                        decisions.add("unauthenticated " + action + " " + splitForm);
                        int actual = streamRoute(stranger, stream, action, splitForm).statusCode();
                        if (actual != 401) {
                            wrong.add(stranger + " " + action + " " + stream + ": expected 401, got " + actual);
                        }
                    }
                }
            }
        }
        assertEquals(wrong.toString(), List.of(), wrong);
        // 3 access classes x stream exists or not x 4 actions x 2 route forms (48), and 4 actions x 2 forms unauthenticated.
        System.out.println("stream route matrix: " + cells + " cells, " + decisions.size() + " distinct decisions");
        assertEquals(decisions.toString(), 48 + 8, decisions.size());
        // A valid range: a user who may read but not manage the stream is refused, and nothing is scheduled.
        assertEquals(403, send("viewer", "POST", "/internal/streams/logs.b/features/_identify?schedule=true&from=1&to=2", null)
            .statusCode());
        assertEquals(404, send("viewer", "POST", "/internal/streams/logs.b/features/_identify?cancel=true", null).statusCode());
        // Existence is not for those who may not read: an existing and a missing stream answer alike.
        String existing = streamRoute("nobody", "logs.a", "status", true).body();
        String missing = streamRoute("nobody", "logs.zz", "status", true).body();
        assertEquals(existing.replace("logs.a", "X"), missing.replace("logs.zz", "X"));
    }

    @Test
    public void tasksInEveryStatusAnswerEveryUserAndActionAsTheStatusMachineAndTheGrantsSay() throws Exception {
        List<String> wrong = new ArrayList<>();
        Set<String> decisions = new java.util.TreeSet<>();
        int cells = 0;
        try {
            for (TaskStatus status : List.of(TaskStatus.IN_PROGRESS, TaskStatus.BEING_CANCELED, TaskStatus.COMPLETED,
                    TaskStatus.FAILED, TaskStatus.CANCELED, TaskStatus.ACKNOWLEDGED)) {
                for (String user : List.of("admin", "ops", "viewer", "nobody")) {
                    for (String stream : List.of("logs.a", "logs.b")) {
                        for (String action : List.of("get", "cancel", "acknowledge", "schedule", "delete")) {
                            String id = "m-" + status.wireName() + "-" + user + "-" + action + "-" + stream.replace(".", "");
                            Instant created = fixture(id, stream, status);
                            String access = user.equals("admin") || (user.equals("ops") && stream.equals("logs.a")) ? "manage"
                                : user.equals("viewer") ? "read" : "none";
                            Expectation expected = expectation(access, status, action);
                            HttpResponse<String> answer = switch (action) {
                                case "get" -> send(user, "GET", "/api/tasks/" + id, null);
                                case "cancel" -> send(user, "POST", "/api/tasks/" + id + "/_cancel", null);
                                case "acknowledge" -> send(user, "POST", "/api/tasks/" + id + "/_acknowledge", null);
                                case "delete" -> send(user, "DELETE", "/api/tasks/" + id, null);
                                default -> send(user, "POST", "/api/tasks", "{\"type\":\"sample_count\",\"stream\":\"" + stream
                                    + "\",\"id\":\"" + id + "\",\"params\":{\"streams\":[\"" + stream + "\"]}}");
                            };
                            cells++;
                            decisions.add(access + " " + status.wireName() + " " + action);
                            String after = store.get("default", id).map(t -> t.document().createdAt().equals(created)
                                ? t.document().status().wireName() : "new run").orElse("absent");
                            String seen = answer.statusCode() + (action.equals("get") ? " " + reported(answer.body()) : "") + " -> " + after;
                            if (!seen.equals(expected.toString())) {
                                wrong.add(user + " " + action + " " + status.wireName() + " task on " + stream + ": expected "
                                    + expected + ", got " + seen + " " + abbreviate(answer.body()));
                            }
                        }
                    }
                }
            }
        } finally {
            // The live fixtures are held by a node that does not exist: take them away, so that no other test waits on them.
            opensearch.deleteByQuery(d -> d.index(store.index()).refresh(Refresh.True).conflicts(org.opensearch.client.opensearch._types.Conflicts.Proceed)
                .query(q -> q.term(t -> t.field("node").value(FieldValue.of("matrix-node")))));
        }
        assertEquals(wrong.size() + " of " + cells + " cells wrong:\n" + String.join("\n", wrong), List.of(), wrong);
        // Four users on two streams fall into three access classes: 6 statuses x 5 actions x 3 classes.
        assertEquals(decisions.toString(), 90, decisions.size());
        System.out.println("status matrix: " + cells + " cells, " + decisions.size() + " distinct decisions");
    }

    /** The code (and for a read, the status shown) and what is stored after: SPEC 3 and the grants, as a table. */
    private record Expectation(int code, String shown, String after) {
        @Override
        public String toString() {
            return code + (shown == null ? "" : " " + shown) + " -> " + after;
        }
    }

    private static Expectation expectation(String access, TaskStatus status, String action) {
        String now = status.wireName();
        boolean live = status == TaskStatus.IN_PROGRESS || status == TaskStatus.BEING_CANCELED;
        if (action.equals("get")) {
            // A task the caller may not read looks like one that does not exist.
            return new Expectation(200, access.equals("none") ? "not_started" : now, now);
        }
        if (action.equals("schedule")) {
            if (!access.equals("manage")) {
                return new Expectation(403, null, now);
            }
            return status == TaskStatus.IN_PROGRESS ? new Expectation(200, null, now)
                : status == TaskStatus.BEING_CANCELED ? new Expectation(409, null, now) : new Expectation(201, null, "new run");
        }
        if (access.equals("none")) {
            return new Expectation(404, null, now);
        }
        if (access.equals("read")) {
            return new Expectation(403, null, now);
        }
        return switch (action) {
            case "cancel" -> new Expectation(200, null, status == TaskStatus.IN_PROGRESS ? "being_canceled" : now);
            case "acknowledge" -> status == TaskStatus.COMPLETED ? new Expectation(200, null, "acknowledged")
                : new Expectation(409, null, now);
            default -> live ? new Expectation(409, null, now) : new Expectation(200, null, "absent");
        };
    }

    /**
     * A task stored in {@code status}, as a node would have left it: a live one is held by a node that beats (its last
     * heartbeat is ahead of the clock, so it cannot turn stale while the matrix runs), a finished one has its outcome.
     */
    private Instant fixture(String id, String stream, TaskStatus status) {
        Instant now = Instant.now();
        boolean live = status == TaskStatus.IN_PROGRESS || status == TaskStatus.BEING_CANCELED;
        TaskDocument document = new TaskDocument(id, "sample_count", status, stream, "default", "root", now, now,
            live ? now.plus(Duration.ofMinutes(10)) : now, "matrix-node", 1,
            status == TaskStatus.COMPLETED || status == TaskStatus.ACKNOWLEDGED ? now : null,
            status == TaskStatus.FAILED ? now : null, status == TaskStatus.CANCELED ? now : null,
            status == TaskStatus.ACKNOWLEDGED ? now : null, Map.of("streams", List.of(stream)),
            status == TaskStatus.COMPLETED || status == TaskStatus.ACKNOWLEDGED ? Map.of("count", 1) : null,
            status == TaskStatus.FAILED ? new TaskError("boom", "it broke") : null, null, List.of());
        return store.create(new TaskRecord(document, null, null)).document().createdAt();
    }

    private static String reported(String body) {
        java.util.regex.Matcher status = java.util.regex.Pattern.compile("\"status\":\"([a-z_]+)\"").matcher(body);
        return status.find() ? status.group(1) : "?";
    }

    @Test
    public void theGenericRoutesAnswerEachUserWithTheRightCode() {
        String body = "{\"type\":\"sample_count\",\"stream\":\"logs.a\",\"params\":{\"streams\":[\"logs.a\"]}}";
        assertEquals(401, send("anonymous", "POST", "/api/tasks", body).statusCode());
        assertEquals(401, send("intruder", "GET", "/api/tasks", null).statusCode());
        assertEquals(403, send("viewer", "POST", "/api/tasks", body).statusCode());
        assertEquals(403, send("nobody", "POST", "/api/tasks", body).statusCode());
        assertEquals(201, send("ops", "POST", "/api/tasks", body).statusCode());
        awaitStatus("admin", "sample_count_logs.a", "completed");
        assertEquals(200, send("viewer", "GET", "/api/tasks/sample_count_logs.a", null).statusCode());
        // A task the caller may not read looks exactly like one that does not exist.
        assertTrue(send("nobody", "GET", "/api/tasks/sample_count_logs.a", null).body().contains("\"status\":\"not_started\""));
        assertEquals(403, send("viewer", "POST", "/api/tasks/sample_count_logs.a/_acknowledge", null).statusCode());
        assertEquals(200, send("ops", "POST", "/api/tasks/sample_count_logs.a/_acknowledge", null).statusCode());
        assertEquals(409, send("ops", "POST", "/api/tasks/sample_count_logs.a/_acknowledge", null).statusCode());
        assertEquals(200, send("viewer", "GET", "/api/task_types", null).statusCode());
        assertEquals(200, send("viewer", "GET", "/api/tasks/_health", null).statusCode());
        assertTrue(send("viewer", "GET", "/api/openapi.json", null).body().contains("/internal/streams/{name}/features/_task"));
        assertEquals(200, send("anonymous", "GET", "/api/status", null).statusCode());
        // Listings come from a search, which sees writes within about a second.
        String[] listing = new String[1];
        Await.until(WAIT, () -> (listing[0] = send("viewer", "GET", "/api/tasks?stream=logs.a", null).body())
            .contains("sample_count_logs.a"), () -> listing[0]);
    }

    @Test
    public void pollersGetNotModifiedUntilTheTaskChangesAndCanWaitForTheChange() throws Exception {
        String body = "{\"type\":\"sample_sleep\",\"stream\":\"logs.a\",\"id\":\"polled\","
            + "\"params\":{\"steps\":1,\"stepMillis\":60000}}";
        assertEquals(201, send("admin", "POST", "/api/tasks", body).statusCode());
        assertEquals("scheduling a running task changes nothing", 200, send("admin", "POST", "/api/tasks", body).statusCode());
        HttpResponse<String> first = send("admin", "GET", "/api/tasks/polled", null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> unchanged = request(basic("admin", "admin-pw"), "GET", "/api/tasks/polled", null, etag);
        assertEquals(304, unchanged.statusCode());
        assertEquals(etag, unchanged.headers().firstValue("ETag").orElseThrow());

        // With nothing changing, a long poll waits its full time and answers 304 (a lower bound only: a busy machine
        // may answer later, never sooner).
        long started = System.nanoTime();
        HttpResponse<String> waited = request(basic("admin", "admin-pw"), "GET", "/api/tasks/polled?wait_for_change=2s", null, etag);
        assertEquals(304, waited.statusCode());
        assertTrue("answered before the wait ended", System.nanoTime() - started >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1900));

        // A long poll waits for the change, which the cancel below makes, and answers with the new state.
        java.util.concurrent.CompletableFuture<HttpResponse<String>> waiting = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> request(basic("admin", "admin-pw"), "GET", "/api/tasks/polled?wait_for_change=30s", null, etag));
        assertEquals(200, send("admin", "POST", "/api/tasks/polled/_cancel", null).statusCode());
        HttpResponse<String> changed = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, changed.statusCode());
        assertNotEquals(etag, changed.headers().firstValue("ETag").orElseThrow());
        assertTrue(changed.body(), changed.body().contains("cancel"));
    }

    @Test
    public void aTaskSearchesWithItsSchedulersPrivilegesFrozenWhenItWasScheduled() throws Exception {
        String body = "{\"type\":\"sample_count\",\"stream\":\"logs.a\",\"id\":\"frozen\","
            + "\"params\":{\"streams\":[\"logs.a\",\"logs.b\"],\"waitMillis\":3000}}";
        assertEquals(201, send("ops", "POST", "/api/tasks", body).statusCode());
        // While the task waits, ops is granted logs.b as well: the running task must not gain it.
        setGrants(Accounts.GRANTS.replace("ops:manage:logs.a", "ops:manage:logs*"));
        try {
            String done = awaitStatus("ops", "frozen", "completed");
            assertTrue(done, done.contains("\"logs.a\":1") && done.contains("\"logs.b\":\"forbidden\"") && done.contains("\"as\":\"ops\""));
            // A run scheduled after the change carries the new grant.
            assertEquals(201, send("ops", "POST", "/api/tasks", body.replace("3000", "0")).statusCode());
            awaitBody("ops", "frozen", b -> b.contains("\"logs.b\":1"));
        } finally {
            setGrants(Accounts.GRANTS);
        }
    }

    @Test
    public void operatorsReadTheNodesFiguresAsPrometheusTextAndAsJmxMBeans() throws Exception {
        String body = "{\"type\":\"sample_count\",\"stream\":\"logs.a\",\"id\":\"metered\",\"params\":{\"streams\":[\"logs.a\"]}}";
        assertEquals(201, send("admin", "POST", "/api/tasks", body).statusCode());
        awaitStatus("admin", "metered", "completed");

        assertEquals(401, send("anonymous", "GET", "/api/metrics", null).statusCode());
        HttpResponse<String>[] scraped = new HttpResponse[1];
        // The run's end is counted just after its document is written: wait for the count, not for a time.
        Await.until(WAIT, () -> {
            scraped[0] = send("viewer", "GET", "/api/metrics", null);
            return scraped[0].statusCode() == 200 && sampleValue(scraped[0].body(), "sluice_tasks_completed_total{type=\"sample_count\"}") >= 1;
        }, () -> scraped[0] == null ? "no answer" : scraped[0].statusCode() + " " + scraped[0].body());
        String text = scraped[0].body();
        assertTrue(scraped[0].headers().firstValue("Content-Type").orElse(""), scraped[0].headers().firstValue("Content-Type")
            .orElse("").startsWith("text/plain"));
        assertTrue(text, sampleValue(text, "sluice_tasks_scheduled_total{type=\"sample_count\"}") >= 1);
        assertTrue(text, sampleValue(text, "sluice_tasks_started_total{type=\"sample_count\"}") >= 1);
        // Histograms: schedule-to-start and run time as buckets, group commit's batch sizes as a summary with buckets.
        assertTrue(text, text.contains("sluice_tasks_schedule_to_start_seconds_bucket{type=\"sample_count\",le=\""));
        assertTrue(text, sampleValue(text, "sluice_tasks_run_seconds_count{type=\"sample_count\"}") >= 1);
        assertTrue(text, sampleValue(text, "sluice_store_batch_size_count") >= 1);
        // The figures of task:health.
        assertTrue(text, sampleValue(text, "sluice_node_capacity") >= 1);
        assertEquals(text, 1.0, sampleValue(text, "sluice_store_available"), 0.0);

        Set<javax.management.ObjectName> beans = java.lang.management.ManagementFactory.getPlatformMBeanServer()
            .queryNames(new javax.management.ObjectName("sluice:*"), null);
        assertTrue(beans.toString(), beans.stream().anyMatch(n -> n.toString().contains("sluiceTasksCompleted")
            && n.toString().contains("sample_count")));
    }

    /** The value of one sample line of Prometheus text ({@code name{labels} value}), or -1 if it is absent. */
    private static double sampleValue(String text, String sample) {
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim().split(" ")[0]);
            }
        }
        return -1;
    }

    @Test
    public void aRunsKeyIsRevokedWhenItEndsAndItsSecretIsNowhereToBeFound() throws Exception {
        String body = "{\"type\":\"sample_count\",\"stream\":\"logs.a\",\"id\":\"keyed\","
            + "\"params\":{\"streams\":[\"logs.a\"],\"waitMillis\":60000}}";
        List<String> answers = new ArrayList<>();
        answers.add(send("admin", "POST", "/api/tasks", body).body());
        Await.until(WAIT, () -> store.get("default", "keyed").map(t -> t.document().node() != null).orElse(false),
            () -> "the task was not claimed");
        TaskApiKey key = store.get("default", "keyed").map(StoredTask::record).orElseThrow().apiKey();
        String secret = open(key.encryptedSecret());
        String header = "ApiKey " + Base64.getEncoder().encodeToString((key.id() + ":" + secret).getBytes(StandardCharsets.UTF_8));

        // The key is stored when the run first takes its clients, just after the claim.
        Await.until(WAIT, () -> sendWith(header, "GET", "/api/tasks/keyed").statusCode() == 200,
            () -> "the running task's key does not work");
        HttpResponse<String> withKey = sendWith(header, "GET", "/api/tasks/keyed");
        assertEquals(withKey.body(), 200, withKey.statusCode());
        answers.add(withKey.body());
        answers.add(send("admin", "POST", "/api/tasks/keyed/_cancel", null).body());
        answers.add(awaitStatus("admin", "keyed", "canceled"));
        Await.until(WAIT, () -> sendWith(header, "GET", "/api/tasks/keyed").statusCode() == 401,
            () -> "the key still works after the run ended");
        assertTrue(sendWith(header, "GET", "/api/tasks/keyed").body().contains("revoked"));

        opensearch.indices().refresh(r -> r.index("*").expandWildcards(ExpandWildcard.All));
        long hits = opensearch.search(s -> s.index("*").expandWildcards(ExpandWildcard.All)
            .query(q -> q.queryString(qs -> qs.query("\"" + secret + "\""))), Map.class).hits().total().value();
        assertEquals("the secret is indexed somewhere", 0, hits);
        for (String answer : answers) {
            assertFalse(answer.contains(secret) || answer.contains(key.encryptedSecret()));
        }
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse("the secret is in karaf.log", logged.contains(secret));
        assertFalse("a password is in karaf.log", logged.contains("viewer-pw") || logged.contains("admin-pw"));
    }

    @Test
    public void malformedRequestsGetAClearFourHundredAndWriteNothing() throws Exception {
        Map<String, Map<String, Long>> before = everyDocument();
        List<String[]> requests = malformedRequests();
        List<String> wrong = new ArrayList<>();
        for (String[] r : requests) {
            HttpResponse<String> response = r.length > 3 && r[3].equals("bytes")
                ? sendBytes("admin", r[0], r[1], r[2].getBytes(StandardCharsets.ISO_8859_1))
                : send("admin", r[0], r[1], r[2]);
            int code = response.statusCode();
            // Every 4xx is Sluice's JSON error body with a message, even one Jetty answers before any route runs.
            boolean json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            boolean clear = code >= 400 && code < 500 && json && response.body().contains("\"message\"");
            if (!clear) {
                wrong.add(r[0] + " " + r[1] + " " + abbreviate(r[2]) + " -> " + code + " " + abbreviate(response.body()));
            }
        }
        assertEquals(wrong.size() + " of " + requests.size() + " not a clear 4xx: " + wrong, List.of(), wrong);
        assertEquals("a malformed request changed a document", before, everyDocument());
    }

    // ---- the matrix ------------------------------------------------------------------------------------------

    private static int expected(String user, String stream, String action) {
        boolean exists = !stream.equals("logs.zz");
        boolean readable = switch (user) {
            case "admin" -> true;
            case "ops" -> stream.equals("logs.a");
            case "viewer" -> stream.startsWith("logs");
            default -> false;
        };
        boolean manageable = user.equals("admin") || (user.equals("ops") && stream.equals("logs.a"));
        if (!exists || !readable) {
            return 404;
        }
        return switch (action) {
            case "status" -> 200;
            case "schedule" -> 400; // the range asked for ends before it starts: refused before anything is written
            default -> 404;         // cancel, acknowledge: there is no task to act on
        };
    }

    private HttpResponse<String> streamRoute(String user, String stream, String action, boolean splitForm) {
        String prefix = "/internal/streams/" + stream + "/features/";
        if (splitForm) {
            return action.equals("status")
                ? send(user, "GET", prefix + "_status", null)
                : send(user, "POST", prefix + "_task", "{\"action\":\"" + action + "\",\"from\":2,\"to\":1}");
        }
        String query = switch (action) {
            case "status" -> "";
            case "schedule" -> "?schedule=true&from=2&to=1";
            default -> "?" + action + "=true";
        };
        return send(user, "POST", prefix + "_identify" + query, null);
    }

    // ---- malformed requests ----------------------------------------------------------------------------------

    private static List<String[]> malformedRequests() {
        List<String[]> requests = new ArrayList<>();
        String valid = "{\"type\":\"sample_count\",\"stream\":\"logs.a\",\"params\":{\"streams\":[\"logs.a\"]}}";
        // Truncated JSON at every tenth position.
        for (int cut = 1; cut < valid.length(); cut += 3) {
            requests.add(new String[] {"POST", "/api/tasks", valid.substring(0, cut)});
        }
        // Wrong types for each field.
        for (String field : List.of("type", "stream", "id", "params")) {
            for (String value : List.of("1", "true", "[]", "{}", "[\"x\"]", "1.5", "\"\"")) {
                if (field.equals("params") && value.equals("{}")) {
                    continue;
                }
                requests.add(new String[] {"POST", "/api/tasks",
                    "{\"type\":\"sample_count\",\"stream\":\"logs.a\",\"" + field + "\":" + value + "}"});
            }
        }
        // Unknown fields, wrong params for the type, not objects.
        for (String extra : List.of("\"colour\":1", "\"params\":{\"colour\":1}", "\"params\":{\"streams\":\"x\"}",
                "\"params\":{\"streams\":[1]}", "\"params\":{\"waitMillis\":\"soon\"}", "\"TYPE\":\"x\"")) {
            requests.add(new String[] {"POST", "/api/tasks", "{\"type\":\"sample_count\",\"stream\":\"logs.a\"," + extra + "}"});
        }
        for (String notObject : List.of("[]", "1", "\"x\"", "null", "true", "{\"type\":\"sample_count\",\"type\":\"x\",\"stream\":\"logs.a\"}")) {
            requests.add(new String[] {"POST", "/api/tasks", notObject});
        }
        // Unknown types, bad names.
        for (String stream : List.of("../etc", "Logs", "logs/x", "a..b", "-x", ".sluice-tasks", "logs a", "x".repeat(300))) {
            requests.add(new String[] {"POST", "/api/tasks", "{\"type\":\"sample_count\",\"stream\":\"" + stream + "\"}"});
        }
        requests.add(new String[] {"POST", "/api/tasks", "{\"type\":\"no_such_type\",\"stream\":\"logs.a\"}"});
        requests.add(new String[] {"POST", "/api/tasks", "{\"stream\":\"logs.a\"}"});
        requests.add(new String[] {"POST", "/api/tasks", "{\"type\":\"sample_count\"}"});
        requests.add(new String[] {"POST", "/api/tasks", ""});
        // Non-UTF-8 bytes.
        for (int i = 0; i < 10; i++) {
            requests.add(new String[] {"POST", "/api/tasks", "{\"type\":\"sample_count\",\"stream\":\"logs." + (char) (0xC0 + i) + "\"}", "bytes"});
        }
        // Huge bodies.
        requests.add(new String[] {"POST", "/api/tasks", "{\"type\":\"" + "x".repeat(1_100_000) + "\"}"});
        requests.add(new String[] {"POST", "/internal/streams/logs.a/features/_task", "{\"action\":\"" + "y".repeat(1_100_000) + "\"}"});
        // Stream routes: unknown actions, bad numbers, bad flags, traversal.
        for (String body : List.of("{\"action\":\"explode\"}", "{\"action\":1}", "{}", "{\"action\":\"schedule\"}",
                "{\"action\":\"schedule\",\"from\":\"a\",\"to\":2}", "{\"action\":\"schedule\",\"from\":5,\"to\":2}",
                "{\"action\":\"schedule\",\"from\":1.5,\"to\":2}", "{\"action\":\"cancel\",\"colour\":1}", "[\"cancel\"]", "nope")) {
            requests.add(new String[] {"POST", "/internal/streams/logs.a/features/_task", body});
        }
        for (String query : List.of("?schedule=maybe", "?schedule&cancel", "?schedule=true", "?schedule=true&from=x&to=2",
                "?schedule=true&from=9&to=2", "?cancel=true&acknowledge=true", "?acknowledge=1")) {
            requests.add(new String[] {"POST", "/internal/streams/logs.a/features/_identify" + query, null});
        }
        for (String path : List.of("/internal/streams/Logs.A/features/_status", "/internal/streams/logs.a/features/_nope",
                "/internal/streams/logs.a/other/_status", "/internal/streams/logs.a/_nope", "/internal/streams/%2e%2e/features/_status",
                "/internal/streams/logs.a%00/features/_status", "/api/nope", "/api/tasks/a%20b", "/api/tasks/x/_explode")) {
            requests.add(new String[] {"GET", path, null});
        }
        // Wrong methods and bad query parameters.
        requests.add(new String[] {"DELETE", "/api/tasks", null});
        requests.add(new String[] {"PUT", "/api/tasks/x", "{}"});
        requests.add(new String[] {"GET", "/api/tasks/x/_cancel", null});
        requests.add(new String[] {"GET", "/internal/streams/logs.a/features/_task", null});
        requests.add(new String[] {"POST", "/internal/streams/logs.a/features/_status", null});
        for (String query : List.of("size=0", "size=1001", "size=abc", "from=-1", "from=x", "status=bogus", "status=stale")) {
            requests.add(new String[] {"GET", "/api/tasks?" + query, null});
        }
        for (String wait : List.of("soon", "-1s", "10h", "1.5s")) {
            requests.add(new String[] {"GET", "/api/tasks/x?wait_for_change=" + wait, null});
        }
        return requests;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private String awaitStatus(String user, String id, String status) {
        return awaitBody(user, id, body -> body.contains("\"status\":\"" + status + "\""));
    }

    private String awaitBody(String user, String id, java.util.function.Predicate<String> condition) {
        String[] last = new String[1];
        Await.until(WAIT, () -> {
            last[0] = send(user, "GET", "/api/tasks/" + id, null).body();
            return condition.test(last[0]);
        }, () -> last[0]);
        return last[0];
    }

    /** Changes the grants through ConfigAdmin, then waits until the routes apply them (ops reading logs.b or not). */
    private void setGrants(String grants) throws IOException {
        org.osgi.service.cm.Configuration config = configurations.getConfiguration("io.sluice.auth", null);
        Dictionary<String, Object> properties = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        properties.put("grants", grants);
        config.update(properties);
        int expected = grants.contains("ops:manage:logs*") ? 200 : 404;
        Await.until(WAIT, () -> send("ops", "GET", "/internal/streams/logs.b/features/_status", null).statusCode() == expected,
            () -> "the new grants did not reach the routes");
    }

    /**
     * Every document of every index (hidden and system ones too), by index and id, with its sequence number: what
     * "nothing changed" compares. Node leases are left out (nodes renew them on a timer, whatever requests come), and
     * it waits until no task runs, so that no run's progress write lands in between.
     */
    private Map<String, Map<String, Long>> everyDocument() throws IOException {
        Await.until(WAIT, () -> {
            try {
                opensearch.indices().refresh(r -> r.index(store.index()));
                return opensearch.count(c -> c.index(store.index()).query(q -> q.terms(t -> t.field("status")
                    .terms(v -> v.value(List.of(FieldValue.of("in_progress"), FieldValue.of("being_canceled"))))))).count() == 0;
            } catch (IOException e) {
                return false;
            }
        }, () -> "tasks still run");
        opensearch.indices().refresh(r -> r.index("*").expandWildcards(ExpandWildcard.All));
        Map<String, Map<String, Long>> documents = new java.util.TreeMap<>();
        for (var hit : opensearch.search(s -> s.index("*").expandWildcards(ExpandWildcard.All).size(10_000).seqNoPrimaryTerm(true)
                .source(src -> src.fetch(false)), Map.class).hits().hits()) {
            if (!hit.index().contains("-nodes")) {
                documents.computeIfAbsent(hit.index(), i -> new java.util.TreeMap<>()).put(hit.id(), hit.seqNo());
            }
        }
        assertTrue("no documents seen: the comparison would prove nothing", documents.containsKey(store.index())
            || documents.keySet().stream().anyMatch(i -> i.startsWith("logs")));
        return documents;
    }

    /**
     * The plain secret in a key's sealed part (which also holds the key's document, stored on first use), opened as the
     * container's node key does: AES-GCM, a 12-byte IV first.
     */
    private static String open(String sealed) throws Exception {
        byte[] bytes = Base64.getDecoder().decode(sealed);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(Accounts.NODE_KEY), "AES"),
            new GCMParameterSpec(128, bytes, 0, 12));
        String plain = new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.UTF_8);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(plain).path("secret").asText();
    }

    private HttpResponse<String> send(String user, String method, String path, String body) {
        return http.send(user, method, path, body);
    }

    private HttpResponse<String> sendBytes(String user, String method, String path, byte[] body) {
        return http.sendBytes(user, method, path, body);
    }

    private HttpResponse<String> sendWith(String authorization, String method, String path) {
        return http.request(authorization, method, path, null, null, null);
    }

    private HttpResponse<String> request(String authorization, String method, String path, byte[] body, String ifNoneMatch) {
        return http.request(authorization, method, path, body, ifNoneMatch, "application/json");
    }

    private static String basic(String user, String password) {
        return Http.basic(user, password);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}

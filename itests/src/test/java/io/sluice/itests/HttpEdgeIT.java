package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.store.TaskStore;
import io.sluice.task.AttemptRecord;
import io.sluice.task.TaskService;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ExpandWildcard;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOrder;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceMethodInfoDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;

/**
 * The HTTP edge as clients and attackers meet it: every malformed or forbidden request a review found answered wrongly
 * now gets a 4xx with Sluice's JSON error body and changes nothing; spaces in URLs; the OpenAPI document against the
 * routes the whiteboard actually serves; a configuration change under a running task.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpEdgeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    OpenSearchClient opensearch;

    @Inject
    @Filter(timeout = 60_000)
    TaskStore store;

    @Inject
    @Filter(timeout = 60_000)
    TaskService service;

    @Inject
    @Filter(timeout = 60_000)
    JaxrsServiceRuntime runtime;

    @Inject
    ConfigurationAdmin configurations;

    private final Http http = new Http();

    @Configuration
    public Option[] configuration() {
        return SluiceContainer.options();
    }

    @Before
    public void streamAndPlugin() throws Exception {
        opensearch.index(i -> i.index("logs.a").id("1").document(Map.of("message", "hello")).refresh(Refresh.True));
        if (Set.of(context.getBundles()).stream().noneMatch(b -> b.getSymbolicName().equals("io.sluice.sample.tasks"))) {
            Bundle plugin = context.installBundle("mvn:io.sluice/sluice-sample-tasks/" + System.getProperty(SluiceContainer.VERSION));
            plugin.start();
        }
        Await.until(WAIT, () -> http.send("admin", "GET", "/api/task_types", null).body().contains("sample_sleep"),
            () -> "the task routes or the sample plugin are not up");
    }

    /** One request of the review, and the status it must get. */
    private record Case(String name, int expected, Supplier<HttpResponse<String>> send) {
    }

    @Test
    public void everyMalformedOrForbiddenRequestTheReviewFoundGetsAJsonFourHundredAndChangesNothing() throws Exception {
        String valid = "{\"type\":\"sample_sleep\",\"stream\":\"logs.a\",\"id\":\"edge\",\"params\":{\"steps\":1}}";
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("a result window beyond OpenSearch's (refused before it is asked)", 400,
            () -> http.send("admin", "GET", "/api/tasks?from=2147483647&size=1000", null)));
        cases.add(new Case("two Authorization headers", 400, () -> http.send(http.builder("/api/tasks")
            .header("Authorization", Http.authorization("viewer")).header("Authorization", Http.authorization("admin")).build())));
        for (String type : List.of("application/jsonx", "application/json/x", "application/json-patch+json", "text/plain")) {
            cases.add(new Case("content type " + type, 415, () -> http.request(Http.authorization("admin"), "POST",
                "/api/tasks", bytes(valid), null, type)));
        }
        cases.add(new Case("content type application/json; charset=latin1", 415, () -> http.request(Http.authorization("admin"),
            "POST", "/api/tasks", bytes(valid), null, "application/json; charset=latin1")));
        for (String trailing : List.of("{}", "]", "\u0000", " x")) {
            cases.add(new Case("text after the body: " + printable(trailing), 400,
                () -> http.send("admin", "POST", "/api/tasks", valid + trailing)));
        }
        cases.add(new Case("an undecodable query", 400, () -> http.send("admin", "GET", "/api/tasks?size=%ff", null)));
        cases.add(new Case("a broken chunked body", 400, () -> raw("POST /api/tasks HTTP/1.1\r\nHost: x\r\nkbn-xsrf: t\r\nAuthorization: "
            + Http.authorization("admin") + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\n{\"typ\r\nzz\r\nbroken\r\n0\r\n\r\n")));
        for (String path : List.of("/api/tasks%2f_health", "/api/tasks/%2e%2e/task_types", "/api/task_types;%2e%2e",
                "/api//tasks", "/api/tasks/%2E%2E", "/api/./tasks")) {
            cases.add(new Case("an ambiguous path " + path, 400, () -> rawGet(path)));
        }
        for (String query : List.of("size=", "size=10&size=abc", "size=10&size=10", "colour=red", "size=1.5", "from=-1")) {
            cases.add(new Case("query " + query, 400, () -> http.send("admin", "GET", "/api/tasks?" + query, null)));
        }
        cases.add(new Case("wait_for_change above its maximum", 400,
            () -> http.send("admin", "GET", "/api/tasks/edge?wait_for_change=2m", null)));
        cases.add(new Case("an unknown method", 405, () -> http.send("admin", "FOO", "/api/tasks", null)));
        cases.add(new Case("OPTIONS", 405, () -> http.send("admin", "OPTIONS", "/api/tasks", null)));
        cases.add(new Case("a method the route does not take", 405, () -> http.send("admin", "PUT", "/api/task_types", "{}")));
        cases.add(new Case("a request line Jetty cannot parse", 400, () -> raw("GET /api/ta sks HTTP/1.1\r\nHost: x\r\n\r\n")));
        cases.add(new Case("a URI that is too long", 414, () -> http.send("admin", "GET", "/api/tasks?type=" + "a".repeat(10_000), null)));
        cases.add(new Case("headers that are too large", 431, () -> http.send(http.builder("/api/tasks")
            .header("Authorization", Http.authorization("admin")).header("X-Big", "b".repeat(10_000)).build())));
        // Kibana's anti-forgery rule, for every client: a request that changes something carries kbn-xsrf.
        cases.add(new Case("a POST without kbn-xsrf", 400, () -> http.send(http.builder("/api/tasks")
            .header("Authorization", Http.authorization("admin")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(valid)).build())));
        cases.add(new Case("a cancel without kbn-xsrf", 400, () -> http.send(http.builder("/api/tasks/edge/_cancel")
            .header("Authorization", Http.authorization("admin")).POST(HttpRequest.BodyPublishers.noBody()).build())));
        cases.add(new Case("a cross-site form post (no kbn-xsrf, a session cookie)", 400, () -> http.send(
            http.builder("/internal/security/logout").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "sluice_session=forged").POST(HttpRequest.BodyPublishers.ofString("a=b")).build())));
        cases.add(new Case("a viewer's cancel of a task it cannot see", 404,
            () -> http.send("viewer", "POST", "/api/tasks/invisible-to-viewers/_cancel", null)));
        cases.add(new Case("an acknowledge of a task that does not exist", 404,
            () -> http.send("admin", "POST", "/api/tasks/never-scheduled/_acknowledge", null)));
        cases.add(new Case("a delete of a task that does not exist", 404,
            () -> http.send("admin", "DELETE", "/api/tasks/never-scheduled", null)));

        // A task only an administrator may see (no stream), so that the viewer's cancel above is of something real.
        assertEquals(201, http.send("admin", "POST", "/api/tasks",
            "{\"type\":\"sample_sleep\",\"id\":\"invisible-to-viewers\",\"params\":{\"steps\":1,\"stepMillis\":1}}").statusCode());
        awaitStatus("invisible-to-viewers", "completed");
        // The run's key is revoked just after the task completes: the snapshot must not race that write.
        Await.until(WAIT, () -> unrevokedKeys("invisible-to-viewers") == 0, () -> "the finished task's key is not revoked");

        Map<String, long[]> before = systemIndices();
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            HttpResponse<String> response = c.send().get();
            String problem = problem(c.expected(), response);
            if (problem != null) {
                wrong.add(c.name() + ": " + problem);
            }
        }
        assertEquals(wrong.size() + " of " + cases.size() + " cases answered wrongly: " + wrong, List.of(), wrong);
        assertEquals("a refused request changed a system index", render(before), render(systemIndices()));

        // What the review listed as unreachable works now.
        assertEquals(200, http.send("admin", "DELETE", "/api/tasks/invisible-to-viewers", null).statusCode());
        assertTrue(http.send("admin", "GET", "/api/tasks/invisible-to-viewers", null).body().contains("not_started"));
    }

    @Test
    public void anOpenSearchErrorAnswerIsDecodedRatherThanBreakingTheClient() throws IOException {
        // Reading a task of a deleted index makes OpenSearch answer with an error body: it must be decoded (the
        // client's JSON provider), not turned into a 500, and never a Java class name.
        opensearch.indices().delete(d -> d.index(store.index() + "-v1").expandWildcards(ExpandWildcard.All));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> read = http.send("admin", "GET", "/api/tasks/after-the-index-went", null);
            assertEquals(read.body(), 200, read.statusCode());
            assertTrue(read.body(), read.body().contains("not_started"));
        }
        // The next write creates the index again.
        assertEquals(201, http.send("admin", "POST", "/api/tasks",
            "{\"type\":\"sample_sleep\",\"id\":\"after-the-index-went\",\"params\":{\"steps\":1,\"stepMillis\":1}}").statusCode());
        awaitStatus("after-the-index-went", "completed");
    }

    @Test
    public void aSpaceInTheUrlIsolatesTasks() throws Exception {
        String body = "{\"type\":\"sample_sleep\",\"id\":\"shared-id\",\"params\":{\"steps\":%d,\"stepMillis\":1}}";
        assertEquals(201, http.send("admin", "POST", "/s/team-a/api/tasks", String.format(body, 1)).statusCode());
        assertEquals(201, http.send("admin", "POST", "/s/team-b/api/tasks", String.format(body, 2)).statusCode());
        for (String space : List.of("team-a", "team-b")) {
            String[] last = new String[1];
            Await.until(WAIT, () -> (last[0] = http.send("admin", "GET", "/s/" + space + "/api/tasks/shared-id", null).body())
                .contains("\"status\":\"completed\""), () -> last[0]);
            JsonNode view = JSON.readTree(last[0]);
            assertEquals(space, view.path("space").asText());
            assertEquals(space.equals("team-a") ? 1 : 2, view.path("payload").path("steps").asInt());
        }
        assertTrue(http.send("admin", "GET", "/api/tasks/shared-id", null).body().contains("\"status\":\"not_started\""));
        String[] listing = new String[1];
        Await.until(WAIT, () -> (listing[0] = http.send("admin", "GET", "/s/team-a/api/tasks", null).body()).contains("shared-id"),
            () -> listing[0]);
        JsonNode tasks = JSON.readTree(listing[0]).path("tasks");
        for (JsonNode task : tasks) {
            assertEquals(listing[0], "team-a", task.path("space").asText());
        }
        // A plugin's route answers in the space named too, and the default space is the short URL.
        assertTrue(http.send("admin", "GET", "/s/team-a/api/task_types", null).body().contains("sample_sleep"));
        assertEquals(400, http.send("admin", "GET", "/s/Team%20A/api/tasks", null).statusCode());
    }

    @Test
    public void theOpenApiDocumentListsExactlyTheRoutesTheWhiteboardServes() throws Exception {
        Set<String> served = new TreeSet<>();
        RuntimeDTO dto = runtime.getRuntimeDTO();
        List<ApplicationDTO> applications = new ArrayList<>(List.of(dto.applicationDTOs));
        applications.add(dto.defaultApplication);
        for (ApplicationDTO application : applications) {
            if (application == null) {
                continue;
            }
            for (ResourceDTO resource : application.resourceDTOs) {
                for (ResourceMethodInfoDTO method : resource.resourceMethods) {
                    served.add(method.method + " " + normalize(method.path));
                }
            }
        }
        JsonNode paths = JSON.readTree(http.send("viewer", "GET", "/api/openapi.json", null).body()).path("paths");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                documented.add(methods.next().toUpperCase(java.util.Locale.ROOT) + " " + normalize(path.getKey()));
            }
        }
        assertTrue("nothing is served?", served.contains("GET /api/tasks/{id}") && served.contains("GET /api/sample/whoami"));
        assertEquals(served, documented);
    }

    @Test
    public void aConfigChangeWhileATaskRunsNeitherReleasesNorRestartsIt() throws Exception {
        assertEquals(201, http.send("admin", "POST", "/api/tasks",
            "{\"type\":\"sample_sleep\",\"id\":\"through-a-change\",\"params\":{\"steps\":40,\"stepMillis\":100}}").statusCode());
        Await.until(WAIT, () -> http.send("admin", "GET", "/api/tasks/through-a-change", null).body().contains("\"progress\""),
            () -> "the task did not start");
        int capacity = service.health().capacity();
        org.osgi.service.cm.Configuration config = configurations.getConfiguration("io.sluice.scheduler", null);
        Dictionary<String, Object> properties = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        properties.put("capacity", capacity + 2);
        properties.put("pollIntervalMillis", 400);
        config.update(properties);
        try {
            Await.until(WAIT, () -> service.health().capacity() == capacity + 2, () -> "capacity is " + service.health().capacity());
            awaitStatus("through-a-change", "completed");
            List<AttemptRecord> attempts = store.get("default", "through-a-change").orElseThrow().document().attempts();
            assertEquals(attempts.toString(), List.of(AttemptRecord.Outcome.COMPLETED),
                attempts.stream().map(AttemptRecord::outcome).toList());
        } finally {
            properties.put("capacity", capacity);
            properties.remove("pollIntervalMillis");
            config.update(properties);
        }
    }

    @Test
    public void aChangedPasswordStopsWorkingAtOnceThoughLoginsAreRemembered() throws Exception {
        // Remember logins for five minutes: only the change itself can make the old password fail within the test.
        org.osgi.service.cm.Configuration config = configurations.getConfiguration("io.sluice.auth", null);
        Dictionary<String, Object> properties = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        properties.put("loginCacheSeconds", 300);
        config.update(properties);
        java.nio.file.Path users = java.nio.file.Path.of(System.getProperty("karaf.etc"), "users.properties");
        String original = java.nio.file.Files.readString(users, StandardCharsets.UTF_8);
        try {
            Await.until(WAIT, () -> http.send("viewer", "GET", "/api/task_types", null).statusCode() == 200,
                () -> "the viewer cannot log in");
            // Karaf keeps a hash of the password (argon2): its watcher on etc/ reads a clear-text one written here and
            // saves the file again with the hash. Logins wait for that rewrite, or they race the watcher (which writes
            // the file in place) and the restore below could be overwritten by its late save of this content.
            java.nio.file.Files.writeString(users, original.replaceAll("(?m)^viewer\\s*=\\s*[^,]*,",
                "viewer = viewer-pw-2,"), StandardCharsets.UTF_8);
            Await.until(WAIT, () -> viewerLine(users).startsWith("{CRYPT}"), () -> "Karaf did not hash the new password");
            Await.until(WAIT, () -> http.send("viewer", "GET", "/api/task_types", null).statusCode() == 401,
                () -> "the old password still works");
            HttpResponse<String> fresh = http.request(Http.basic("viewer", "viewer-pw-2"), "GET", "/api/task_types", null,
                null, null);
            assertEquals(fresh.body(), 200, fresh.statusCode());
        } finally {
            java.nio.file.Files.writeString(users, original, StandardCharsets.UTF_8);
            Await.until(WAIT, () -> viewerLine(users).startsWith("{CRYPT}"), () -> "Karaf did not hash the restored password");
            properties.remove("loginCacheSeconds");
            config.update(properties);
            Await.until(WAIT, () -> http.send("viewer", "GET", "/api/task_types", null).statusCode() == 200,
                () -> "the viewer's password was not restored");
        }
    }

    @Test
    public void guessingPasswordsIsThrottledTheSameForARealAndAnUnknownUserAndAudited() throws Exception {
        // A first wait of two minutes, so that no answer below depends on how fast this machine sends requests.
        org.osgi.service.cm.Configuration config = configurations.getConfiguration("io.sluice.auth", null);
        Dictionary<String, Object> properties = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        properties.put("loginThrottleFirstDelaySeconds", 120);
        config.update(properties);
        try {
            // The change applies when the waits a throttled name is told grow past a minute.
            String probe = "probe-" + Long.toHexString(System.nanoTime());
            guess(probe, 10);
            Await.until(WAIT, () -> Long.parseLong(http.request(Http.basic(probe, "wrong-guess-probe"), "GET", "/api/task_types",
                null, null, null).headers().firstValue("Retry-After").orElse("0")) > 60, () -> "the first wait did not change");
            // "guesser" exists (Accounts); the other name does not.
            List<String> real = guess("guesser", 50);
            List<String> unknown = guess("no-such-user-" + Long.toHexString(System.nanoTime()), 50);
            assertEquals("the answers tell an existing user from an unknown one", real, unknown);
            // Ten failures are free (the default), then every attempt waits: refused unchecked, with Retry-After.
            assertEquals(real.toString(), Collections.nCopies(10, "401"), real.subList(0, 10));
            assertEquals(real.toString(), Collections.nCopies(40, "429"), real.subList(10, 50));
            HttpResponse<String> right = http.request(Http.basic("guesser", Accounts.password("guesser")), "GET",
                "/api/task_types", null, null, null);
            assertEquals(right.body(), 429, right.statusCode());
            assertTrue(right.body(), right.body().contains("too many failed logins"));
            long retryAfter = Long.parseLong(right.headers().firstValue("Retry-After").orElse("0"));
            assertTrue("Retry-After " + retryAfter, retryAfter > 60 && retryAfter <= 120);
            // The browser's login is the same door.
            HttpResponse<String> session = http.request(null, "POST", "/internal/security/login",
                ("{\"username\":\"guesser\",\"password\":\"" + Accounts.password("guesser") + "\"}").getBytes(StandardCharsets.UTF_8),
                null, "application/json");
            assertEquals(session.body(), 429, session.statusCode());
            // Other users are not locked out by someone guessing at one name.
            assertEquals(200, http.send("viewer", "GET", "/api/task_types", null).statusCode());
            String log = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("karaf.data"), "log", "karaf.log"),
                StandardCharsets.UTF_8);
            assertTrue("throttled attempts are audited", log.contains("authentication refused unchecked: user guesser"));
            assertFalse("a password is in karaf.log", log.contains("wrong-guess-"));
        } finally {
            properties.remove("loginThrottleFirstDelaySeconds");
            config.update(properties);
        }
    }

    /** The viewer's entry of the users file (password, roles), or "" while the file is being written. */
    private static String viewerLine(java.nio.file.Path users) {
        try {
            return java.nio.file.Files.readAllLines(users, StandardCharsets.UTF_8).stream()
                .filter(line -> line.matches("viewer\\s*=.*")).map(line -> line.replaceFirst("viewer\\s*=\\s*", ""))
                .findFirst().orElse("");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Status codes of {@code attempts} wrong passwords for {@code user}, once the two-minute first wait applies. */
    private List<String> guess(String user, int attempts) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            answers.add(String.valueOf(http.request(Http.basic(user, "wrong-guess-" + i), "GET", "/api/task_types", null, null, null)
                .statusCode()));
        }
        return answers;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Why the answer is wrong, or null: the status, Sluice's JSON error body, a message without Java class names. */
    private static String problem(int expected, HttpResponse<String> response) {
        if (response.statusCode() != expected) {
            return "expected " + expected + ", got " + response.statusCode() + " " + abbreviate(response.body());
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return "not JSON: " + response.headers().firstValue("Content-Type").orElse("no content type");
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body.path("statusCode").asInt() != expected || body.path("message").asText().isBlank()
                    || body.path("error").asText().isBlank()) {
                return "not the error body: " + abbreviate(response.body());
            }
            if (body.path("message").asText().matches(".*(java\\.|javax\\.|Exception|\\bat [a-z]+\\.).*")) {
                return "the message names Java internals: " + body.path("message").asText();
            }
        } catch (IOException e) {
            return "not JSON: " + abbreviate(response.body());
        }
        if (expected == 405 && response.headers().firstValue("Allow").isEmpty()) {
            return "a 405 without Allow";
        }
        return null;
    }

    private long unrevokedKeys(String taskId) {
        try {
            opensearch.indices().refresh(r -> r.index(".sluice-api-keys").expandWildcards(ExpandWildcard.All));
            return opensearch.count(c -> c.index(".sluice-api-keys").query(q -> q.bool(b -> b
                .filter(f -> f.term(t -> t.field("task_id").value(v -> v.stringValue(taskId))))
                .mustNot(m -> m.exists(e -> e.field("revoked_at")))))).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Document count and highest sequence number of every Sluice system index. */
    private Map<String, long[]> systemIndices() throws IOException {
        opensearch.indices().refresh(r -> r.index(".sluice*").expandWildcards(ExpandWildcard.All));
        Map<String, long[]> state = new java.util.TreeMap<>();
        for (String index : List.of(store.index(), ".sluice-api-keys")) {
            long count = opensearch.count(c -> c.index(index)).count();
            var hits = opensearch.search(s -> s.index(index).size(1).seqNoPrimaryTerm(true)
                .sort(o -> o.field(f -> f.field("_seq_no").order(SortOrder.Desc))), Void.class).hits().hits();
            state.put(index, new long[] {count, hits.isEmpty() ? -1 : hits.get(0).seqNo()});
        }
        return state;
    }

    private static String render(Map<String, long[]> state) {
        StringBuilder out = new StringBuilder();
        state.forEach((index, figures) -> out.append(index).append(": ").append(figures[0]).append(" docs, seq_no ")
            .append(figures[1]).append("; "));
        return out.toString();
    }

    private void awaitStatus(String id, String status) {
        String[] last = new String[1];
        Await.until(WAIT, () -> (last[0] = http.send("admin", "GET", "/api/tasks/" + id, null).body())
            .contains("\"status\":\"" + status + "\""), () -> last[0]);
    }

    private HttpResponse<String> raw(String request) {
        return parse(http.raw(request.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private HttpResponse<String> rawGet(String path) {
        return raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + Http.authorization("admin")
            + "\r\nConnection: close\r\n\r\n");
    }

    /** The status, headers and body of a raw HTTP/1.1 answer (chunked bodies joined), as a response object. */
    private static HttpResponse<String> parse(String answer) {
        return RawResponse.parse(answer);
    }

    private static String printable(String text) {
        return text.replace("\u0000", "NUL");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String normalize(String path) {
        String slashed = path.startsWith("/") ? path : "/" + path;
        return slashed.length() > 1 && slashed.endsWith("/") ? slashed.substring(0, slashed.length() - 1) : slashed;
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}

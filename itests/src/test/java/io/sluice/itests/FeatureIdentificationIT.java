package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The job users come for, end to end over HTTP in a real Karaf: two LogHub systems ingested into one stream,
 * {@code _identify?schedule=true}, polled to {@code completed}, two features kept, the task acknowledged, the telemetry
 * event seen on EventAdmin; a long identification canceled; bad ingest bodies refused with nothing written.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureIdentificationIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOPIC = "sluice/telemetry/streams-feature-identification-identified";

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    OpenSearchClient opensearch;

    @Inject
    ConfigurationAdmin configurations;

    private final Http http = new Http();
    private final ObjectMapper json = new ObjectMapper();

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return SluiceContainer.options();
    }

    @Test
    public void ingestIdentifyKeepTwoAndAcknowledge() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topic = new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, TOPIC));
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add, topic);
        try {
            for (String system : List.of("HDFS", "Mac")) {
                JsonNode ingested = ingest("logs.mixed", "text/plain", sample(system));
                assertEquals(ingested.toString(), 1000, ingested.get("indexed").asInt());
            }
            JsonNode stream = body(http.send("viewer", "GET", "/internal/streams/logs.mixed", null), 200);
            assertEquals(2000, stream.get("documents").asInt());

            String identify = "/internal/streams/logs.mixed/features/_identify";
            JsonNode started = body(http.send("admin", "POST", identify + "?schedule=true&from=0&to=4102444800000", null), 200);
            assertEquals("in_progress", started.get("status").asText());

            JsonNode done = awaitStatus("logs.mixed", "completed");
            ArrayNode features = (ArrayNode) done.get("features");
            List<JsonNode> sources = list(features).stream().filter(f -> f.get("level").asText().equals("source")).toList();
            assertEquals(done.toString(), 2, sources.size());
            for (JsonNode feature : features) {
                assertEquals("system", feature.get("type").asText());
                assertTrue(feature.toString(), feature.get("count").asLong() > 0);
                assertTrue(feature.has("filter") && feature.has("query") && feature.has("description"));
            }
            assertEquals(2000, sources.stream().mapToLong(f -> f.get("count").asLong()).sum());
            assertTrue(done.toString(), done.get("unmatched_ratio").asDouble() < 0.01);
            assertTrue(list(features).stream().anyMatch(f -> f.get("level").asText().equals("component")
                && f.get("name").asText().equals("kernel")));

            // Review: keep two, as Kibana's flyout does, then acknowledge.
            ObjectNode keep = json.createObjectNode();
            keep.putArray("features").add(features.get(0)).add(features.get(1));
            assertEquals(403, http.send("viewer", "POST", "/internal/streams/logs.mixed/features", keep.toString()).statusCode());
            JsonNode kept = body(http.send("admin", "POST", "/internal/streams/logs.mixed/features", keep.toString()), 200);
            assertEquals(2, kept.get("features").size());
            JsonNode listed = body(http.send("viewer", "GET", "/internal/streams/logs.mixed/features", null), 200);
            assertEquals(2, listed.get("features").size());
            assertEquals(features.get(0).get("name").asText(), byName(listed.get("features"), features.get(0).get("name").asText())
                .get("name").asText());
            JsonNode acknowledged = body(http.send("admin", "POST", identify + "?acknowledge=true", null), 200);
            assertEquals("acknowledged", acknowledged.get("status").asText());

            Await.until(WAIT, () -> !events.isEmpty(), () -> "no telemetry event on " + TOPIC);
            Event event = events.get(0);
            assertEquals("logs.mixed", event.getProperty("stream_name"));
            assertEquals(features.size(), ((Number) event.getProperty("count")).intValue());
            assertNotNull(event.getProperty("duration_ms"));

            // A kept feature can be forgotten; an unknown id is a 404.
            String id = listed.get("features").get(0).get("id").asText();
            assertEquals(200, http.send("admin", "DELETE", "/internal/streams/logs.mixed/features/" + id, null).statusCode());
            assertEquals(404, http.send("admin", "DELETE", "/internal/streams/logs.mixed/features/" + id, null).statusCode());
            assertEquals(1, body(http.send("admin", "GET", "/internal/streams/logs.mixed/features", null), 200)
                .get("features").size());
        } finally {
            handler.unregister();
        }
    }

    @Test
    public void aLongIdentificationIsCanceled() throws Exception {
        for (String system : List.of("HDFS", "Mac")) {
            for (int copy = 0; copy < 3; copy++) {
                ingest("logs.big", "text/plain", sample(system));
            }
        }
        // Sampling and analysing 6,000 documents takes the run far longer than the cancel takes to arrive.
        JsonNode started = body(http.send("admin", "POST", "/internal/streams/logs.big/features/_task",
            "{\"action\": \"schedule\", \"from\": 0, \"to\": 4102444800000}"), 200);
        assertEquals("in_progress", started.get("status").asText());
        JsonNode canceling = body(http.send("admin", "POST", "/internal/streams/logs.big/features/_task",
            "{\"action\": \"cancel\"}"), 200);
        assertTrue(canceling.toString(), List.of("being_canceled", "canceled").contains(canceling.get("status").asText()));
        JsonNode canceled = awaitStatus("logs.big", "canceled");
        assertFalse("a canceled run has no result", canceled.has("features"));
    }

    @Test
    public void badIngestBodiesAreRefusedWholeAndWriteNothing() throws Exception {
        HttpResponse<String> malformed = http.request(Http.authorization("admin"), "POST", "/internal/streams/logs.bad/_ingest",
            "{\"message\": \"one\"}\n{\"message\": \"two\"\n{}\n".getBytes(StandardCharsets.UTF_8), null, "application/x-ndjson");
        assertEquals(malformed.body(), 400, malformed.statusCode());
        assertTrue(malformed.body(), malformed.body().contains("line 2"));

        Configuration streams = configurations.getConfiguration("io.sluice.streams", null);
        Dictionary<String, Object> previous = streams.getProperties();
        streams.update(new Hashtable<>(Map.of("maxIngestBytes", 2048)));
        try {
            // Until the new limit applies, this body is refused for its malformed lines (400); then for its size (413).
            // Either way nothing is written.
            byte[] big = "{\"message\": \"not closed\"\n".repeat(100).getBytes(StandardCharsets.UTF_8);
            Await.until(WAIT, () -> http.request(Http.authorization("admin"), "POST", "/internal/streams/logs.bad/_ingest", big,
                null, "application/x-ndjson").statusCode() == 413, () -> "the new body limit does not apply");
        } finally {
            if (previous == null) {
                streams.delete();
            } else {
                streams.update(previous);
            }
        }
        assertFalse("nothing was written, not even the stream", opensearch.indices().exists(e -> e.index("logs.bad")).value());
        assertEquals(404, http.send("admin", "GET", "/internal/streams/logs.bad", null).statusCode());
        assertEquals(403, http.request(Http.authorization("viewer"), "POST", "/internal/streams/logs.bad/_ingest",
            "hello".getBytes(StandardCharsets.UTF_8), null, "text/plain").statusCode());
        assertEquals(415, http.request(Http.authorization("admin"), "POST", "/internal/streams/logs.bad/_ingest",
            "hello".getBytes(StandardCharsets.UTF_8), null, "application/xml").statusCode());
        assertFalse(opensearch.indices().exists(e -> e.index("logs.bad")).value());
    }

    private JsonNode awaitStatus(String stream, String status) throws IOException {
        String path = "/internal/streams/" + stream + "/features/_status";
        JsonNode[] last = {null};
        String[] etag = {null};
        Await.until(WAIT, () -> {
            // The long poll: answered when the task changes, or after 10 s.
            HttpResponse<String> response = http.request(Http.authorization("admin"), "GET",
                path + (etag[0] == null ? "" : "?wait_for_change=10s"), null, etag[0], null);
            if (response.statusCode() == 200) {
                etag[0] = response.headers().firstValue("ETag").orElse(null);
                last[0] = parse(response.body());
            }
            return last[0] != null && last[0].get("status").asText().equals(status);
        }, () -> String.valueOf(last[0]));
        return last[0];
    }

    private JsonNode ingest(String stream, String type, byte[] body) throws IOException {
        return body(http.request(Http.authorization("admin"), "POST", "/internal/streams/" + stream + "/_ingest", body, null, type), 200);
    }

    private static byte[] sample(String system) throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty(SluiceContainer.LOGHUB), system + "_1k.log"));
    }

    private JsonNode body(HttpResponse<String> response, int expected) throws IOException {
        assertEquals(response.body(), expected, response.statusCode());
        return json.readTree(response.body());
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new java.util.ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static JsonNode byName(JsonNode array, String name) {
        return list(array).stream().filter(n -> n.get("name").asText().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no feature " + name + " in " + array));
    }
}

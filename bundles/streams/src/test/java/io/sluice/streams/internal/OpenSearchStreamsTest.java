package io.sluice.streams.internal;

import static io.sluice.streams.internal.StreamsFixture.OPS;
import static io.sluice.streams.internal.StreamsFixture.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.streams.IngestFormat;
import io.sluice.streams.IngestResult;
import io.sluice.streams.StreamDescription;
import io.sluice.streams.StreamException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/** Ingest and description against a real node: what is written, what is refused, and that a refusal writes nothing. */
@ExtendWith(OpenSearchExtension.class)
class OpenSearchStreamsTest {

    private final OpenSearchClient client;
    private final OpenSearchStreams streams;
    private final String stream = "t-" + UUID.randomUUID().toString().substring(0, 8);

    OpenSearchStreamsTest(OpenSearchClient client) {
        this.client = client;
        this.streams = StreamsFixture.streams(client);
    }

    @Test
    void rawLinesBecomeDocumentsWithTheirHeaderFieldsAndTheStreamIsCreated() {
        List<String> lines = List.of(
            "2015-10-18 18:01:48,963 INFO [main] org.example.Job: started",
            "2015-10-18 18:01:49,001 WARN [main] org.example.Job: slow",
            "",
            "x".repeat(201),
            "2015-10-18 18:01:50,500 ERROR [main] org.example.Job: failed");
        List<Long> progress = new ArrayList<>();
        IngestResult result = streams.ingest(OPS, stream, IngestFormat.LINES, lines, progress::add);
        assertTrue(result.created());
        assertEquals(3, result.indexed());
        assertEquals(2, result.rejected());
        assertEquals(List.of(3L, 4L), result.rejections().stream().map(IngestResult.Rejection::line).toList());
        assertEquals("blank line", result.rejections().get(0).reason());
        assertEquals(List.of(2L, 5L), progress, "a progress call after each batch of two");

        StreamDescription description = streams.describe(VIEWER, stream).orElseThrow();
        assertEquals(3, description.documents());
        assertEquals("2015-10-18T18:01:48.963Z", description.from().toString());
        assertEquals("2015-10-18T18:01:50.500Z", description.to().toString());
        assertTrue(description.fields().contains(new StreamDescription.Field("log.level", "keyword")), description.fields().toString());
        assertTrue(description.fields().contains(new StreamDescription.Field("message", "wildcard")));
        assertTrue(streams.list(VIEWER).stream().anyMatch(s -> s.name().equals(stream) && s.documents() == 3));
    }

    @Test
    void aMalformedNdjsonLineRefusesTheWholeBodyNamingItAndNothingIsWritten() throws IOException {
        List<String> body = List.of("{\"message\": \"one\"}", "{\"message\": \"two\"}", "{\"message\": \"three\"", "{}");
        StreamException e = assertThrows(StreamException.class, () -> streams.ingest(OPS, stream, IngestFormat.NDJSON, body, n -> { }));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().startsWith("line 3 "), e.getMessage());
        assertFalse(client.indices().exists(x -> x.index(stream)).value(), "not even the stream was created");

        for (String bad : List.of("[1, 2]", "{\"a\": 1} {\"b\": 2}", "{\"a\": 1, \"a\": 2}", "\"text\"")) {
            StreamException refused = assertThrows(StreamException.class,
                () -> streams.ingest(OPS, stream, IngestFormat.NDJSON, List.of("{\"ok\": true}", bad), n -> { }), bad);
            assertTrue(refused.getMessage().startsWith("line 2 "), refused.getMessage());
        }
        assertFalse(client.indices().exists(x -> x.index(stream)).value());
    }

    @Test
    void ndjsonIsIndexedAsGivenWithATimestampAddedWhenMissing() {
        IngestResult result = streams.ingest(OPS, stream, IngestFormat.NDJSON,
            List.of("{\"message\": \"a\", \"service\": {\"name\": \"api\"}}", "{\"@timestamp\": \"2020-01-01T00:00:00Z\", \"message\": \"b\"}"),
            n -> { });
        assertEquals(2, result.indexed());
        StreamDescription description = streams.describe(OPS, stream).orElseThrow();
        assertEquals("2020-01-01T00:00:00Z", description.from().toString());
        assertTrue(description.fields().contains(new StreamDescription.Field("service.name", "keyword")));
    }

    @Test
    void ingestNeedsManageAndAViewerWritesNothing() throws IOException {
        StreamException e = assertThrows(StreamException.class,
            () -> streams.ingest(VIEWER, stream, IngestFormat.LINES, List.of("hello"), n -> { }));
        assertEquals(403, e.statusCode());
        assertFalse(client.indices().exists(x -> x.index(stream)).value());
        assertEquals(403, assertThrows(StreamException.class,
            () -> streams.ingest(OPS, "other-" + stream, IngestFormat.LINES, List.of("hello"), n -> { })).statusCode());
    }

    @Test
    void anIndexMadeElsewhereWithoutTimestampsIsDescribedWithoutATimeRange() throws IOException {
        client.index(i -> i.index(stream).id("1").document(java.util.Map.of("message", "hello"))
            .refresh(org.opensearch.client.opensearch._types.Refresh.True));
        StreamDescription description = streams.describe(OPS, stream).orElseThrow();
        assertEquals(1, description.documents());
        assertEquals(null, description.from());
        assertEquals(null, description.to());
    }

    @Test
    void badNamesAreRefusedAndUnknownOrUnreadableStreamsDoNotExist() {
        for (String name : List.of("", "Logs", ".sluice-tasks", "_x", "a/b", "a b", "a*", "a:b", "x".repeat(256))) {
            assertEquals(400, assertThrows(StreamException.class,
                () -> streams.ingest(OPS, name, IngestFormat.LINES, List.of("hello"), n -> { }), name).statusCode());
        }
        assertTrue(streams.describe(OPS, "t-never-made").isEmpty());
        streams.ingest(OPS, stream, IngestFormat.LINES, List.of("hello"), n -> { });
        assertTrue(streams.describe(StreamsFixture.OPS.inSpace("default"), stream).isPresent());
        assertTrue(streams.describe(new io.sluice.auth.Caller("nobody", java.util.Set.of(), "default",
            io.sluice.auth.Caller.Authentication.PASSWORD), stream).isEmpty(), "no read privilege: absent");
    }
}

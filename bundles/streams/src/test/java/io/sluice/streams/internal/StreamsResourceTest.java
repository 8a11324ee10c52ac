package io.sluice.streams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.auth.Caller;
import io.sluice.streams.IngestFormat;
import io.sluice.streams.IngestResult;
import io.sluice.streams.StreamDescription;
import io.sluice.streams.StreamException;
import io.sluice.streams.StreamSummary;
import io.sluice.streams.Streams;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.Test;

/** The ingest route's own checks, before the streams service is asked: body limit, encoding, line splitting. */
class StreamsResourceTest {

    private final List<List<String>> ingested = new ArrayList<>();
    private final Streams recording = new Streams() {
        @Override
        public List<StreamSummary> list(Caller caller) {
            return List.of();
        }

        @Override
        public Optional<StreamDescription> describe(Caller caller, String stream) {
            return Optional.empty();
        }

        @Override
        public IngestResult ingest(Caller caller, String stream, IngestFormat format, List<String> lines, LongConsumer progress) {
            ingested.add(lines);
            return new IngestResult(stream, false, lines.size(), 0, List.of());
        }
    };
    private final StreamsResource resource = new StreamsResource(recording, StreamsFixture.config(1024));
    private final SecurityContext ops = security(StreamsFixture.OPS);

    @Test
    void aBodyOverTheLimitIsRefusedWith413AndNothingReachesTheStreams() {
        byte[] body = "line\n".repeat(300).getBytes(StandardCharsets.UTF_8); // 1,500 bytes, over 1,024
        StreamException e = assertThrows(StreamException.class,
            () -> resource.ingest("t-a", MediaType.TEXT_PLAIN_TYPE, new ByteArrayInputStream(body), ops));
        assertEquals(413, e.statusCode());
        assertTrue(e.getMessage().contains("1024"), e.getMessage());
        assertEquals(List.of(), ingested);
    }

    @Test
    void aBodyThatIsNotUtf8IsRefused() {
        byte[] body = {'o', 'k', '\n', (byte) 0xC3, (byte) 0x28};
        assertEquals(400, assertThrows(StreamException.class,
            () -> resource.ingest("t-a", MediaType.TEXT_PLAIN_TYPE, new ByteArrayInputStream(body), ops)).statusCode());
        assertEquals(415, assertThrows(StreamException.class, () -> resource.ingest("t-a",
            new MediaType("text", "plain", java.util.Map.of("charset", "iso-8859-1")), new ByteArrayInputStream(new byte[] {'a'}), ops)).statusCode());
        assertEquals(List.of(), ingested);
    }

    @Test
    void linesSplitAtNewlinesWithCarriageReturnsDroppedAndNoEmptyLastLine() {
        assertEquals(List.of("a", "b", "", "c"), StreamsResource.lines("a\r\nb\n\nc\n"));
        assertEquals(List.of("only"), StreamsResource.lines("only"));
        assertEquals(List.of(), StreamsResource.lines(""));
        resource.ingest("t-a", MediaType.TEXT_PLAIN_TYPE, new ByteArrayInputStream("x\ny\n".getBytes(StandardCharsets.UTF_8)), ops);
        assertEquals(List.of(List.of("x", "y")), ingested);
    }

    private static SecurityContext security(Caller caller) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return new io.sluice.rest.CallerPrincipal(caller);
            }

            @Override
            public boolean isUserInRole(String role) {
                return caller.roles().contains(role);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return BASIC_AUTH;
            }
        };
    }
}

package io.sluice.streams.internal;

import io.sluice.auth.Caller;
import io.sluice.rest.CallerPrincipal;
import io.sluice.streams.IngestFormat;
import io.sluice.streams.IngestResult;
import io.sluice.streams.StreamDescription;
import io.sluice.streams.StreamException;
import io.sluice.streams.StreamSummary;
import io.sluice.streams.Streams;
import io.swagger.v3.oas.annotations.Operation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * Kibana's stream routes, as far as Sluice has streams:
 * <pre>
 * GET  /internal/streams                  the streams the caller may read
 * GET  /internal/streams/{name}           one stream: documents, time range, fields (404 when unknown or unreadable)
 * POST /internal/streams/{name}/_ingest   text/plain (raw log lines) or application/x-ndjson; needs manage
 * </pre>
 */
@Component(service = StreamsResource.class, configurationPid = "io.sluice.streams")
@JaxrsResource
@Path("internal/streams")
@Produces(MediaType.APPLICATION_JSON)
public final class StreamsResource {

    /** The NDJSON media type. */
    static final String NDJSON = "application/x-ndjson";

    private final Streams streams;
    private volatile int maxBytes;

    /** Binds the streams service; reads the body limit. */
    @Activate
    public StreamsResource(@Reference Streams streams, StreamsConfig config) {
        this.streams = streams;
        modified(config);
    }

    /** A new body limit applies from the next request. */
    @Modified
    void modified(StreamsConfig config) {
        this.maxBytes = config.maxIngestBytes();
    }

    /** What the list route answers. */
    public record StreamList(List<StreamSummary> streams) {
    }

    /** The streams the caller may read. */
    @GET
    @Operation(summary = "List streams", description = "The streams (indices not starting with a dot) the caller may read.")
    public StreamList list(@Context SecurityContext security) {
        return new StreamList(streams.list(CallerPrincipal.caller(security)));
    }

    /** One stream. */
    @GET
    @Path("{name}")
    @Operation(summary = "Describe a stream", description = "Document count, time range and mapped fields; 404 when the "
        + "stream does not exist or the caller may not read it.")
    public StreamDescription describe(@PathParam("name") String name, @Context SecurityContext security) {
        return streams.describe(CallerPrincipal.caller(security), name).orElseThrow(() -> StreamException.notFound(name));
    }

    /** Puts a body of log lines or NDJSON into the stream, creating it if needed. */
    @POST
    @Path("{name}/_ingest")
    @Consumes({MediaType.TEXT_PLAIN, NDJSON})
    @Operation(summary = "Ingest into a stream", description = "text/plain: one raw log line a document, its header "
        + "parsed into @timestamp and fields; application/x-ndjson: one JSON object a line. Needs manage on the stream. "
        + "A malformed NDJSON line or a body over the limit (413) is refused whole, with nothing written.")
    public IngestResult ingest(@PathParam("name") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type,
                               InputStream body, @Context SecurityContext security) {
        Caller caller = CallerPrincipal.caller(security);
        Streams.checkName(name);
        String charset = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
            throw new StreamException(415, "ingest bodies must be UTF-8, not " + charset.replaceAll("\\p{Cntrl}", "?"));
        }
        boolean ndjson = type != null && type.getType().equalsIgnoreCase("application")
            && type.getSubtype().equalsIgnoreCase("x-ndjson");
        IngestFormat format = ndjson ? IngestFormat.NDJSON : IngestFormat.LINES;
        List<String> lines = lines(decode(read(body)));
        if (lines.isEmpty()) {
            throw new StreamException(400, "the body is empty: give one log line (or JSON object) a line");
        }
        return streams.ingest(caller, name, format, lines, done -> { });
    }

    private byte[] read(InputStream body) {
        int limit = maxBytes;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = body.read(buffer)) != -1) {
                total += n;
                if (total > limit) {
                    throw new StreamException(413, "the body is larger than the limit of " + limit + " bytes "
                        + "(io.sluice.streams maxIngestBytes): nothing was written; send it in parts");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new StreamException(400, "the request body could not be read (broken off or malformed)");
        }
        return out.toByteArray();
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new StreamException(400, "the body is not valid UTF-8: nothing was written");
        }
    }

    /** Lines split at {@code \n} (a {@code \r} before it dropped); a final newline ends the last line, not a new one. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(text.substring(start, stop));
            start = end + 1;
        }
        return lines;
    }
}

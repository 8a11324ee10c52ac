package io.sluice.streams.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.auth.ScopedClientFactory;
import io.sluice.opensearch.IndexDefinition;
import io.sluice.opensearch.SystemIndex;
import io.sluice.security.AccessPolicy;
import io.sluice.streams.IngestFormat;
import io.sluice.streams.IngestResult;
import io.sluice.streams.LogDocuments;
import io.sluice.streams.StreamDescription;
import io.sluice.streams.StreamException;
import io.sluice.streams.StreamSummary;
import io.sluice.streams.Streams;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.aggregations.Aggregate;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.indices.GetMappingResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams on the node's OpenSearch. Reads go through the caller's scoped client, so OpenSearch sees the same limits a
 * task run for that caller has. Ingest checks the {@code manage} privilege and then writes with the node's client, with
 * a bulk body it builds itself: the stream is named in the path and no action names another index.
 */
@Component(service = Streams.class, configurationPid = "io.sluice.streams")
@Designate(ocd = StreamsConfig.class)
public final class OpenSearchStreams implements Streams {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchStreams.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sluice.audit");

    private final OpenSearchClient client;
    private final AccessPolicy access;
    private final ScopedClientFactory scopedClients;
    private final IndexDefinition streamIndex =
        new IndexDefinition(OpenSearchStreams.class.getResourceAsStream("stream-index.json"));
    private final ObjectMapper ndjson = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Clock clock = Clock.systemUTC();
    private volatile StreamsConfig config;

    /** Binds the node's client, the access policy and the scoped clients. */
    @Activate
    public OpenSearchStreams(@Reference OpenSearchClient client, @Reference AccessPolicy access,
                             @Reference ScopedClientFactory scopedClients, StreamsConfig config) {
        this.client = client;
        this.access = access;
        this.scopedClients = scopedClients;
        modified(config);
    }

    /** Settings apply from the next request. */
    @Modified
    void modified(StreamsConfig config) {
        ZoneId.of(config.timezone()); // fails the configuration early, naming the zone
        this.config = config;
    }

    @Override
    public List<StreamSummary> list(Caller caller) {
        try {
            var indices = client.cat().indices(c -> c.index("*")).valueBody();
            List<StreamSummary> streams = new ArrayList<>();
            for (var index : indices) {
                String name = index.index();
                if (name == null || name.startsWith(".") || !access.allows(caller, Privilege.READ, name)) {
                    continue;
                }
                long docs = index.docsCount() == null ? 0 : Long.parseLong(index.docsCount());
                streams.add(new StreamSummary(name, docs));
            }
            streams.sort(Comparator.comparing(StreamSummary::name));
            return streams;
        } catch (IOException | OpenSearchException | NumberFormatException e) {
            throw unavailable("list streams", e);
        }
    }

    @Override
    public Optional<StreamDescription> describe(Caller caller, String stream) {
        Streams.checkName(stream);
        if (!access.allows(caller, Privilege.READ, stream)) {
            return Optional.empty();
        }
        OpenSearchClient scoped = scopedClients.forCaller(caller).asCurrentUser();
        try {
            if (!scoped.indices().exists(e -> e.index(stream)).value()) {
                return Optional.empty();
            }
            var response = scoped.search(s -> s.index(stream).size(0).trackTotalHits(t -> t.enabled(true))
                .aggregations("from", a -> a.min(m -> m.field("@timestamp")))
                .aggregations("to", a -> a.max(m -> m.field("@timestamp"))), Void.class);
            long documents = response.hits().total() == null ? 0 : response.hits().total().value();
            Instant from = instant(response.aggregations().get("from"));
            Instant to = instant(response.aggregations().get("to"));
            GetMappingResponse mapping = scoped.indices().getMapping(m -> m.index(stream));
            List<StreamDescription.Field> fields = new ArrayList<>();
            mapping.result().values().forEach(index -> flatten("", index.mappings().properties(), fields));
            fields.sort(Comparator.comparing(StreamDescription.Field::name));
            List<StreamDescription.Field> distinct = fields.stream().distinct().toList();
            return Optional.of(new StreamDescription(stream, documents, from, to, distinct));
        } catch (IOException | OpenSearchException e) {
            if (SystemIndex.status(e) == 403 || SystemIndex.status(e) == 404) {
                return Optional.empty();
            }
            throw unavailable("describe stream " + stream, e);
        }
    }

    @Override
    public IngestResult ingest(Caller caller, String stream, IngestFormat format, List<String> lines, LongConsumer progress) {
        Streams.checkName(stream);
        if (!access.allows(caller, Privilege.MANAGE, stream)) {
            AUDIT.warn("ingest refused: {} has no manage privilege on stream {}", caller.user(), stream);
            throw new StreamException(403, "no manage privilege on stream " + stream);
        }
        StreamsConfig settings = config;
        // Read the whole body first: a malformed line refuses it before anything is written.
        List<Map<String, Object>> documents = new ArrayList<>(lines.size());
        List<Long> lineNumbers = new ArrayList<>(lines.size());
        List<IngestResult.Rejection> rejections = new ArrayList<>();
        long rejected = 0;
        Instant now = clock.instant();
        LogDocuments reader = new LogDocuments(ZoneId.of(settings.timezone()), now);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            long number = i + 1L;
            if (line.isBlank()) {
                rejected++;
                if (rejections.size() < IngestResult.MAX_LISTED) {
                    rejections.add(new IngestResult.Rejection(number, "blank line"));
                }
                continue;
            }
            if (line.length() > settings.maxLineChars()) {
                rejected++;
                if (rejections.size() < IngestResult.MAX_LISTED) {
                    rejections.add(new IngestResult.Rejection(number, "longer than " + settings.maxLineChars() + " characters"));
                }
                continue;
            }
            documents.add(format == IngestFormat.NDJSON ? parseJson(line, number, now) : reader.next(line));
            lineNumbers.add(number);
        }
        boolean created = streamIndex.createIfAbsent(client, stream);
        if (created) {
            LOG.info("Created stream {} for {}", stream, caller.user());
        }
        long indexed = 0;
        int batch = settings.batchSize();
        for (int start = 0; start < documents.size(); start += batch) {
            int end = Math.min(documents.size(), start + batch);
            List<BulkOperation> operations = new ArrayList<>(end - start);
            for (Map<String, Object> document : documents.subList(start, end)) {
                operations.add(BulkOperation.of(o -> o.index(x -> x.document(document))));
            }
            BulkResponse response;
            try {
                response = client.bulk(b -> b.index(stream).refresh(Refresh.WaitFor).operations(operations));
            } catch (IOException | OpenSearchException e) {
                throw unavailable("index into stream " + stream + " (" + indexed + " documents were indexed before)", e);
            }
            List<BulkResponseItem> items = response.items();
            for (int k = 0; k < items.size(); k++) {
                BulkResponseItem item = items.get(k);
                if (item.error() == null) {
                    indexed++;
                } else {
                    rejected++;
                    if (rejections.size() < IngestResult.MAX_LISTED) {
                        String reason = item.error().type() + (item.error().reason() == null ? "" : ": " + item.error().reason());
                        rejections.add(new IngestResult.Rejection(lineNumbers.get(start + k), reason));
                    }
                }
            }
            progress.accept(lineNumbers.get(end - 1));
        }
        rejections.sort(Comparator.comparingLong(IngestResult.Rejection::line));
        AUDIT.info("ingest: {} indexed {} documents into {} ({} rejected)", caller.user(), indexed, stream, rejected);
        return new IngestResult(stream, created, indexed, rejected, rejections);
    }

    /** One NDJSON line: a JSON object, nothing after it; {@code @timestamp} added when absent. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> parseJson(String line, long number, Instant now) {
        try (JsonParser parser = ndjson.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new StreamException(400, "line " + number + " is not a JSON object: nothing was written");
            }
            Map<String, Object> document = ndjson.readValue(line, Map.class);
            document.putIfAbsent("@timestamp", now.toString());
            return document;
        } catch (JsonProcessingException e) {
            throw new StreamException(400, "line " + number + " is not valid JSON (" + e.getOriginalMessage()
                + "): nothing was written");
        } catch (IOException e) {
            throw new StreamException(400, "line " + number + " cannot be read: nothing was written");
        }
    }

    private static void flatten(String prefix, Map<String, Property> properties, List<StreamDescription.Field> into) {
        if (properties == null) {
            return;
        }
        properties.forEach((name, property) -> {
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            if (property.isObject()) {
                flatten(path, property.object().properties(), into);
            } else if (property.isNested()) {
                flatten(path, property.nested().properties(), into);
            } else {
                into.add(new StreamDescription.Field(path, property._kind().jsonValue()));
            }
        });
    }

    private static Instant instant(Aggregate aggregate) {
        if (aggregate == null) {
            return null;
        }
        // No value (an empty stream, or no @timestamp mapped) is null, not a number.
        Double value = aggregate.isMin() ? aggregate.min().value() : aggregate.isMax() ? aggregate.max().value() : null;
        return value == null || value.isNaN() || value.isInfinite() ? null : Instant.ofEpochMilli(value.longValue());
    }

    private static StreamException unavailable(String what, Exception e) {
        int status = SystemIndex.status(e);
        if (status == 400) {
            return new StreamException(400, "OpenSearch refused to " + what + ": " + SystemIndex.reason(e), e);
        }
        return new StreamException(503, "OpenSearch is unavailable: cannot " + what + ": " + SystemIndex.reason(e), e);
    }
}

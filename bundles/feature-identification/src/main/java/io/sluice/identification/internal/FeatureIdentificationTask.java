package io.sluice.identification.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.identification.Feature;
import io.sluice.identification.KeptFeature;
import io.sluice.identification.StreamFeatures;
import io.sluice.task.InvalidParamsException;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.spi.TaskFailure;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.aggregations.Aggregate;
import org.opensearch.client.opensearch._types.aggregations.FiltersBucket;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch._types.query_dsl.FunctionBoostMode;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.search.Hit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code streams_feature_identification}: finds the systems in a stream, with the scheduling user's privileges (every
 * read goes through the task's scoped client).
 *
 * <ol>
 *   <li>Samples up to {@code sample_size} documents of {@code [start, end]} at random (reproducible with {@code seed}),
 *       documents no kept feature selects first, as Kibana does; then tops the sample up with a few documents of each
 *       header format the random draw missed, so a rare format still finds its source.</li>
 *   <li>Identifies sources and components in the sample ({@link SystemIdentifier}).</li>
 *   <li>Counts every filter in the stream in one request (a {@code filters} aggregation: the same count as a
 *       {@code _count} of each query), drops filters that select nothing, and reports the share of documents no filter
 *       selects.</li>
 * </ol>
 * Progress is reported at each step; cancellation is checked between steps and inside the analysis.
 */
@Component(service = TaskDefinition.class)
public final class FeatureIdentificationTask implements TaskDefinition<FeatureIdentificationTask.Params, Map<String, Object>> {

    /** The default and the largest sample. */
    static final int DEFAULT_SAMPLE = 1000;
    static final int MAX_SAMPLE = 10_000;
    /** Documents fetched for each header format the random sample missed. */
    private static final int PER_MISSED_FORMAT = 3;
    private static final int MAX_FORMATS = 1000;

    private final OpenSearchStreamFeatures kept;
    private final IdentificationTelemetry telemetry;
    private final FeatureJson json = new FeatureJson();
    private final Clock clock = Clock.systemUTC();

    /**
     * The params.
     *
     * @param start the start of the time range, epoch milliseconds (inclusive)
     * @param end its end, epoch milliseconds (inclusive)
     * @param seed the random sample's seed (default: from the range, so a rerun samples the same documents)
     * @param sampleSize how many documents to sample at random, 1 to 10,000 (default 1,000)
     */
    public record Params(Long start, Long end, Long seed, @JsonProperty("sample_size") Integer sampleSize) {
    }

    /** Binds the kept features and the telemetry. */
    @Activate
    public FeatureIdentificationTask(@Reference OpenSearchStreamFeatures kept, @Reference IdentificationTelemetry telemetry) {
        this.kept = kept;
        this.telemetry = telemetry;
    }

    @Override
    public String type() {
        return StreamFeatures.IDENTIFICATION_TYPE;
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "Identifies the systems (sources and their components) in a stream's logs: {start, end} in epoch ms";
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(2);
    }

    @Override
    public void validate(Params params) {
        if (params == null || params.start() == null) {
            throw new InvalidParamsException("start", "required: epoch milliseconds");
        }
        if (params.end() == null) {
            throw new InvalidParamsException("end", "required: epoch milliseconds");
        }
        if (params.start() > params.end()) {
            throw new InvalidParamsException("end", "must not be before start");
        }
        if (params.sampleSize() != null && (params.sampleSize() < 1 || params.sampleSize() > MAX_SAMPLE)) {
            throw new InvalidParamsException("sample_size", "must be 1 to " + MAX_SAMPLE + ", got " + params.sampleSize());
        }
    }

    @Override
    public Map<String, Object> run(TaskContext<Params> context) throws Exception {
        long started = System.nanoTime();
        Params params = context.params();
        String stream = context.stream().orElseThrow(() -> new TaskFailure("no_stream", "feature identification needs a stream"));
        OpenSearchClient client = context.scopedClients().asCurrentUser();
        JsonpMapper mapper = client._transport().jsonpMapper();
        int sampleSize = params.sampleSize() == null ? DEFAULT_SAMPLE : params.sampleSize();
        long seed = params.seed() == null ? params.start() ^ params.end() : params.seed();
        Query range = Query.of(q -> q.range(r -> r.field("@timestamp").gte(JsonData.of(params.start())).lte(JsonData.of(params.end()))
            .format("epoch_millis")));

        context.progress(Map.of("phase", "sampling", "sample_size", sampleSize));
        List<KeptFeature> known = kept.all(stream);
        List<Query> knownQueries = new ArrayList<>();
        for (KeptFeature feature : known) {
            knownQueries.add(query(feature.query(), mapper));
        }
        List<Map<String, Object>> sample = new ArrayList<>();
        try {
            // Documents no kept feature selects first; then, if there are too few, the others.
            Query unknown = Query.of(q -> q.bool(b -> b.filter(range).mustNot(knownQueries)));
            sample.addAll(randomSample(client, stream, unknown, sampleSize, seed));
            if (sample.size() < sampleSize && !knownQueries.isEmpty()) {
                Query knownOnly = Query.of(q -> q.bool(b -> b.filter(range).should(knownQueries).minimumShouldMatch("1")));
                sample.addAll(randomSample(client, stream, knownOnly, sampleSize - sample.size(), seed));
            }
            context.cancellation().throwIfCancelled();
            int random = sample.size();
            sample.addAll(missedFormats(client, stream, unknown, sample));
            context.logger().info("Sampled {} documents of {} ({} at random, {} of header formats the draw missed)",
                sample.size(), stream, random, sample.size() - random);
        } catch (OpenSearchException e) {
            throw refused("sample", stream, e);
        }
        if (sample.isEmpty()) {
            throw new TaskFailure("no_documents", "stream " + stream + " has no documents between " + Instant.ofEpochMilli(params.start())
                + " and " + Instant.ofEpochMilli(params.end()));
        }

        context.progress(Map.of("phase", "analysing", "sample_size", sample.size()));
        long analysisStarted = System.nanoTime();
        List<SystemIdentifier.Found> found = new SystemIdentifier().identify(sample, context.cancellation()::isCancelled);
        long analysisMillis = (System.nanoTime() - analysisStarted) / 1_000_000;
        context.cancellation().throwIfCancelled();

        context.progress(Map.of("phase", "validating", "features", found.size()));
        Map<String, Query> filters = new LinkedHashMap<>();
        for (int i = 0; i < found.size(); i++) {
            filters.put("f" + i, query(found.get(i).filter().toQuery(), mapper));
        }
        for (int i = 0; i < knownQueries.size(); i++) {
            filters.put("kept" + i, knownQueries.get(i));
        }
        Map<String, Long> counts;
        long total;
        long unmatched;
        try {
            var response = client.search(s -> s.index(stream).size(0).trackTotalHits(t -> t.enabled(true)).query(range)
                .aggregations("features", a -> a.filters(f -> f.filters(b -> b.keyed(filters)).otherBucket(true)
                    .otherBucketKey("_unmatched"))), Void.class);
            total = response.hits().total() == null ? 0 : response.hits().total().value();
            Map<String, FiltersBucket> buckets = response.aggregations().get("features").filters().buckets().keyed();
            counts = new HashMap<>();
            buckets.forEach((key, bucket) -> counts.put(key, bucket.docCount()));
            unmatched = counts.getOrDefault("_unmatched", 0L);
        } catch (OpenSearchException e) {
            throw refused("count the features of", stream, e);
        }

        List<Map<String, Object>> features = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, Integer> byLevel = new LinkedHashMap<>();
        for (int i = 0; i < found.size(); i++) {
            SystemIdentifier.Found feature = found.get(i);
            long count = counts.getOrDefault("f" + i, 0L);
            if (count == 0) {
                context.logger().info("Dropped feature {}: its filter selects nothing in the stream", feature.name());
                continue;
            }
            names.add(feature.name());
            byLevel.merge(feature.kind(), 1, Integer::sum);
            Feature out = new Feature(Feature.SYSTEM, feature.name(), feature.description(), feature.filter().toJson(),
                feature.filter().toQuery(), feature.evidence(), feature.confidence(), feature.kind(), feature.parentName(),
                count);
            @SuppressWarnings("unchecked")
            Map<String, Object> plain = (Map<String, Object>) json.plain(out);
            features.add(plain);
        }
        List<String> seenAgain = known.stream().map(KeptFeature::name).filter(names::contains).toList();
        kept.seen(stream, seenAgain, clock.instant());

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        telemetry.identified(stream, features.size(), byLevel, tookMillis);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("features", features);
        payload.put("sample_size", sample.size());
        payload.put("unmatched_ratio", total == 0 ? 0.0 : (double) unmatched / total);
        payload.put("documents", total);
        payload.put("analysis_ms", analysisMillis);
        payload.put("took_ms", tookMillis);
        return payload;
    }

    /** Up to {@code size} documents matching the query, in a random order fixed by the seed. */
    private static List<Map<String, Object>> randomSample(OpenSearchClient client, String stream, Query query, int size, long seed)
            throws IOException {
        var response = client.search(s -> s.index(stream).size(size)
            .query(q -> q.functionScore(fs -> fs.query(query).boostMode(FunctionBoostMode.Replace)
                .functions(f -> f.randomScore(r -> r.seed(JsonData.of(seed)).field("_seq_no"))))), Map.class);
        return sources(response.hits().hits());
    }

    /**
     * A few documents of each header format the sample lacks: one terms aggregation on {@code log.format} with its top
     * hits, so a rare format (a truncated header, a second layout) is seen and finds its source.
     */
    private static List<Map<String, Object>> missedFormats(OpenSearchClient client, String stream, Query query,
                                                           List<Map<String, Object>> sample) throws IOException {
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> doc : sample) {
            Object format = Fields.first(doc, "log.format");
            if (format != null) {
                seen.add(String.valueOf(format));
            }
        }
        var response = client.search(s -> s.index(stream).size(0).query(query)
            .aggregations("formats", a -> a.terms(t -> t.field("log.format").size(MAX_FORMATS))
                .aggregations("docs", d -> d.topHits(h -> h.size(PER_MISSED_FORMAT)))), Void.class);
        Aggregate formats = response.aggregations().get("formats");
        List<Map<String, Object>> extra = new ArrayList<>();
        if (formats == null || !formats.isSterms()) {
            return extra;
        }
        for (StringTermsBucket bucket : formats.sterms().buckets().array()) {
            if (seen.contains(bucket.key())) {
                continue;
            }
            for (Hit<JsonData> hit : bucket.aggregations().get("docs").topHits().hits().hits()) {
                if (hit.source() != null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> source = hit.source().to(Map.class);
                    extra.add(source);
                }
            }
        }
        return extra;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Map<String, Object>> sources(List<Hit<Map>> hits) {
        List<Map<String, Object>> sources = new ArrayList<>(hits.size());
        for (Hit<Map> hit : hits) {
            if (hit.source() != null) {
                sources.add(hit.source());
            }
        }
        return sources;
    }

    /** A query DSL map as the client's query. */
    static Query query(Map<String, Object> dsl, JsonpMapper mapper) {
        String text = JsonData.of(dsl).toJson(mapper).toString();
        try (JsonParser parser = mapper.jsonProvider().createParser(new StringReader(text))) {
            return Query._DESERIALIZER.deserialize(parser, mapper);
        }
    }

    private static Exception refused(String what, String stream, OpenSearchException e) {
        if (e.status() == 403) {
            return new TaskFailure("forbidden", "the task's user may no longer read stream " + stream + ": " + e.getMessage());
        }
        if (e.status() == 404) {
            return new TaskFailure("stream_not_found", "stream " + stream + " does not exist (any more)");
        }
        return e; // anything else may pass: retried
    }
}

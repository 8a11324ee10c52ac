package io.sluice.store.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.opensearch.GroupCommit;
import io.sluice.opensearch.SystemIndex;
import io.sluice.store.DocVersion;
import io.sluice.store.NodeLease;
import io.sluice.store.StoreConflictException;
import io.sluice.store.StoreHealth;
import io.sluice.store.TaskChanges;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskQuery;
import io.sluice.store.TaskRecord;
import io.sluice.store.TaskSearchResult;
import io.sluice.store.TaskStore;
import io.sluice.task.StoreUnavailableException;
import io.sluice.task.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.Conflicts;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.cluster.HealthResponse;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import jakarta.json.stream.JsonParser;
import org.opensearch.client.json.JsonpDeserializer;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch.indices.IndexSettings;
import org.opensearch.client.transport.httpclient5.ResponseException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task store on the node's OpenSearch client.
 *
 * <p>Tasks live in {@code <prefix>-tasks-v1}, addressed through the alias {@code <prefix>-tasks}. Every write requires
 * the alias ({@code require_alias}): if the index was deleted, the write fails instead of auto-creating an index with
 * a guessed mapping; the store then creates the index again, says so in the log, and retries the write once.
 */
@Component(service = {TaskStore.class, TaskChanges.class}, configurationPid = "io.sluice.store")
@Designate(ocd = StoreConfig.class)
public final class OpenSearchTaskStore implements TaskStore, TaskChanges {

    /** How long OpenSearch may take to make a write visible to searches (its default refresh interval). */
    private static final Duration REFRESH_LAG = Duration.ofSeconds(1);
    private static final int SWEEP_PAGE = 1000;
    /** Every how many sweeps the feed checks that the index was not made again under it. */
    private static final int RECREATION_CHECK_EVERY = 10;

    private final OpenSearchClient client;
    private final SystemIndex index;
    // Node leases: a document per node in <prefix>-nodes, renewed every few seconds.
    private final SystemIndex nodes;
    private final String alias;
    private final Logger log;
    private final StoredTaskJson json = new StoredTaskJson();
    private final String indexPrefix;
    private final TaskChangeFeed feed;
    private final GroupCommit commits;
    private final ScheduledExecutorService sweeper;
    private ScheduledFuture<?> sweeps;
    private int sweepsSinceCheck;
    private volatile long watermark = -1;
    // Group commit's meters, kept by this store and published wherever the metrics bundle says.
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    private volatile boolean watermarkKnown;
    private volatile long sweepWarnedAt;

    /** Binds the node's client, makes sure the index exists (if OpenSearch answers yet) and starts the change feed. */
    @Activate
    public OpenSearchTaskStore(@Reference OpenSearchClient client, StoreConfig config) {
        this(client, config.indexPrefix(), LoggerFactory.getLogger(OpenSearchTaskStore.class),
            Duration.ofMillis(config.changeFeedIntervalMillis()), config.cachedTasks(), Duration.ofSeconds(config.cacheMaxAgeSeconds()));
        commits.reconfigure(config.groupCommitMaxBatch(), config.groupCommitLingerMicros());
    }

    /**
     * Applies changed change-feed settings without a restart (a restart would release every running task). The index
     * prefix names the index this store was opened on: a new one applies from the next start of the bundle.
     */
    @Modified
    void modified(StoreConfig config) {
        if (!config.indexPrefix().equals(indexPrefix)) {
            log.warn("indexPrefix changed to '{}': the store keeps using '{}' until its bundle restarts", config.indexPrefix(),
                indexPrefix);
        }
        Duration interval = Duration.ofMillis(config.changeFeedIntervalMillis());
        commits.reconfigure(config.groupCommitMaxBatch(), config.groupCommitLingerMicros());
        feed.reconfigure(config.cachedTasks(), freshness(interval), Duration.ofSeconds(config.cacheMaxAgeSeconds()));
        scheduleSweeps(interval);
    }

    /** For tests: any prefix, and a logger to inspect; the change feed with its default settings. */
    OpenSearchTaskStore(OpenSearchClient client, String indexPrefix, Logger log) {
        this(client, indexPrefix, log, Duration.ofSeconds(1), 10_000, Duration.ofSeconds(30));
    }

    private OpenSearchTaskStore(OpenSearchClient client, String indexPrefix, Logger log, Duration feedInterval, int cachedTasks,
                                Duration cacheMaxAge) {
        this.client = client;
        this.log = log;
        this.indexPrefix = indexPrefix;
        this.index = new SystemIndex(client, indexPrefix + "-tasks", OpenSearchTaskStore.class.getResourceAsStream("task-index.json"),
            log);
        this.alias = index.alias();
        index.ensureIfReachable();
        this.nodes = new SystemIndex(client, indexPrefix + "-nodes", OpenSearchTaskStore.class.getResourceAsStream("node-index.json"),
            log);
        nodes.ensureIfReachable();
        this.feed = new TaskChangeFeed(cachedTasks, freshness(feedInterval), cacheMaxAge, System::nanoTime);
        meters.config().pauseDetector(new NoPauseDetector());
        this.commits = new GroupCommit(client, index, log, "sluice-task-writes",
            what -> new StoreConflictException("conflict: " + what + " (the task changed since it was read)"), writeMeters(meters), 500, 0);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-task-feed");
            thread.setDaemon(true);
            return thread;
        });
        scheduleSweeps(feedInterval);
    }

    private static DocVersion version(GroupCommit.Written written) {
        return new DocVersion(written.seqNo(), written.primaryTerm());
    }

    /** Group commit's figures as meters: task document writes per bulk, and conflicting writes. */
    private static GroupCommit.Observer writeMeters(MeterRegistry meters) {
        DistributionSummary batchSizes = DistributionSummary.builder("sluice.store.batch.size")
            .description("Task document writes per _bulk request").publishPercentileHistogram()
            .minimumExpectedValue(1.0).maximumExpectedValue(10_000.0).register(meters);
        Counter conflicts = Counter.builder("sluice.store.write.conflicts")
            .description("Conditional writes refused because the document changed since it was read").register(meters);
        return new GroupCommit.Observer() {
            @Override
            public void bulkSent(int writes) {
                batchSizes.record(writes);
            }

            @Override
            public void conflict() {
                conflicts.increment();
            }
        };
    }

    /** An entry answers while the node knows every change up to two sweeps and a refresh ago. */
    private static Duration freshness(Duration feedInterval) {
        return feedInterval.multipliedBy(2).plus(REFRESH_LAG);
    }

    private synchronized void scheduleSweeps(Duration interval) {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        sweeps = sweeper.scheduleWithFixedDelay(this::sweepQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the change feed. */
    /** Publishes the write figures to the registries the metrics bundle publishes (none when it is not installed). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = "(sluice.metrics=node)")
    void bindMeterRegistry(MeterRegistry registry) {
        meters.add(registry);
    }

    void unbindMeterRegistry(MeterRegistry registry) {
        meters.remove(registry);
    }

    @Deactivate
    public void close() {
        sweeper.shutdownNow();
        commits.close();
    }

    /** For tests and benchmarks: group commit's batch bound and linger. */
    public void groupCommit(int maxBatch, int lingerMicros) {
        commits.reconfigure(maxBatch, lingerMicros);
    }

    /** Bulk requests sent by group commit, and the writes in them (for benchmarks and health). */
    public long[] groupCommitFigures() {
        return commits.figures();
    }

    // ---- the change feed -----------------------------------------------------------------------------------------

    @Override
    public Optional<Known> recent(String space, String id) {
        return feed.recent(key(space, id));
    }

    @Override
    public Registration watch(String space, String id, Runnable onChange) {
        return feed.watch(key(space, id), onChange);
    }

    @Override
    public Registration watchSpace(String space, Runnable onChange) {
        return feed.watchSpace(space, onChange);
    }

    /** How many tasks the feed holds, and how many are watched (for tests and health). */
    int[] feedSize() {
        return new int[] {feed.size(), feed.watched()};
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - sweepWarnedAt > TimeUnit.MINUTES.toNanos(1)) {
                sweepWarnedAt = now;
                log.warn("The task change feed cannot read {} (status reads go to OpenSearch until it can): {}", alias,
                    e.getMessage());
            }
        }
    }

    /**
     * Reads what changed since the last sweep, by sequence number: one search that finds nothing when nothing
     * changed. The task index has one shard, so sequence numbers order every write.
     */
    void sweep() {
        long started = System.nanoTime();
        if (!watermarkKnown) {
            // Start from the newest write: what came before is read on demand.
            watermark = newestSeqNo();
            watermarkKnown = true;
        }
        if (++sweepsSinceCheck >= RECREATION_CHECK_EVERY) {
            sweepsSinceCheck = 0;
            long newest = newestSeqNo();
            if (newest < watermark) {
                // Sequence numbers went back: the index was made again (here or by another node). Nothing remembered
                // about the old one holds.
                log.info("{} was recreated: the change feed starts over", alias);
                watermark = newest;
                feed.clear();
            }
        }
        int found;
        do {
            long from = watermark;
            var hits = index.read("read task changes", () -> client.search(s -> s.index(alias).size(SWEEP_PAGE)
                .source(src -> src.fetch(false)).seqNoPrimaryTerm(true)
                .query(q -> q.range(r -> r.field("_seq_no").gt(JsonData.of(from))))
                .sort(o -> o.field(f -> f.field("_seq_no").order(SortOrder.Asc))), Void.class).hits().hits(), List.<Hit<Void>>of());
            for (Hit<Void> hit : hits) {
                if (hit.seqNo() != null && hit.primaryTerm() != null) {
                    feed.changedElsewhere(hit.id(), new DocVersion(hit.seqNo(), hit.primaryTerm()));
                    watermark = Math.max(watermark, hit.seqNo());
                }
            }
            found = hits.size();
        } while (found == SWEEP_PAGE);
        feed.currentUpTo(started - REFRESH_LAG.toNanos());
    }

    private long newestSeqNo() {
        return index.read("read the task index's newest write", () -> {
            var hits = client.search(s -> s.index(alias).size(1).source(src -> src.fetch(false)).seqNoPrimaryTerm(true)
                .sort(o -> o.field(f -> f.field("_seq_no").order(SortOrder.Desc))), Void.class).hits().hits();
            return hits.isEmpty() || hits.get(0).seqNo() == null ? -1L : hits.get(0).seqNo();
        }, -1L);
    }

    @Override
    public String index() {
        return alias;
    }

    @Override
    public Optional<StoredTask> get(String space, String id) {
        long started = System.nanoTime();
        GetResponse<ObjectNode> response = index.read("read task " + id,
            () -> client.get(g -> g.index(alias).id(key(space, id)).realtime(true), ObjectNode.class), null);
        if (response == null || !response.found()) {
            feed.read(key(space, id), null, started);
            return Optional.empty();
        }
        StoredTask task = new StoredTask(json.fromSource(response.source()), new DocVersion(response.seqNo(), response.primaryTerm()));
        feed.read(key(space, id), task, started);
        return Optional.of(task);
    }

    @Override
    public StoredTask create(TaskRecord record) {
        StoredTaskJson.Encoded encoded = json.encode(record);
        DocVersion version = version(commits.create(key(record), encoded.source(), "create task " + record.id()));
        feed.seen(key(record), new StoredTask(encoded.asRead(), version));
        return new StoredTask(record, version);
    }

    @Override
    public StoredTask replace(TaskRecord record, DocVersion expected) {
        StoredTaskJson.Encoded encoded = json.encode(record);
        DocVersion version = version(commits.replace(key(record), encoded.source(), expected.seqNo(), expected.primaryTerm(),
            "update task " + record.id()));
        feed.seen(key(record), new StoredTask(encoded.asRead(), version));
        return new StoredTask(record, version);
    }

    @Override
    public boolean delete(String space, String id, DocVersion expected) {
        try {
            var response = client.delete(d -> d.index(alias).id(key(space, id))
                .ifSeqNo(expected.seqNo()).ifPrimaryTerm(expected.primaryTerm()));
            feed.gone(key(space, id), new DocVersion(response.seqNo(), response.primaryTerm()));
            return response.result().jsonValue().equals("deleted");
        } catch (IOException | OpenSearchException e) {
            if (SystemIndex.isIndexMissing(e) || SystemIndex.status(e) == 404) {
                feed.read(key(space, id), null, Long.MIN_VALUE);
                return false;
            }
            // A conditional delete of a document that is already gone answers 409, not 404.
            if (SystemIndex.status(e) == 409 && get(space, id).isEmpty()) {
                return false;
            }
            throw translate("delete task " + id, e);
        }
    }

    @Override
    public void renewLease(String node, Instant now) {
        Map<String, Object> lease = Map.of("node", node, "renewed_at", now.toString());
        nodes.write("renew the lease of node " + node, () -> client.index(i -> i.index(nodes.alias()).id(node).document(lease)
            .requireAlias(true)));
    }

    @Override
    public void dropLease(String node) {
        try {
            client.delete(d -> d.index(nodes.alias()).id(node));
        } catch (IOException | OpenSearchException e) {
            if (!SystemIndex.isIndexMissing(e) && SystemIndex.status(e) != 404) {
                throw SystemIndex.failure("drop the lease of node " + node, e);
            }
        }
    }

    @Override
    public List<NodeLease> leases() {
        return nodes.read("read node leases", () -> {
            List<NodeLease> leases = new ArrayList<>();
            for (Hit<ObjectNode> hit : client.search(s -> s.index(nodes.alias()).size(1000).seqNoPrimaryTerm(true), ObjectNode.class)
                    .hits().hits()) {
                ObjectNode source = hit.source();
                if (source != null && source.hasNonNull("node") && source.hasNonNull("renewed_at")) {
                    leases.add(new NodeLease(source.get("node").asText(), Instant.parse(source.get("renewed_at").asText()),
                        hit.seqNo() == null ? 0 : hit.seqNo()));
                }
            }
            return leases;
        }, List.of());
    }

    @Override
    public TaskSearchResult search(TaskQuery query, int from, int size) {
        return search(query, from, size, null, true);
    }

    @Override
    public TaskSearchResult searchAfter(TaskQuery query, StoredTask after, int size) {
        if (!query.oldestFirst()) {
            throw new IllegalArgumentException("searchAfter pages oldest-first queries only");
        }
        // The sort values of created_at (a date: epoch milliseconds) and id, in the order search() sorts by.
        List<FieldValue> sortValues = after == null ? null
            : List.of(FieldValue.of(after.document().createdAt().toEpochMilli()), FieldValue.of(after.id()));
        return search(query, 0, size, sortValues, false);
    }

    /**
     * One page of tasks. Counting every match ({@code countAll}) keeps Lucene from skipping the documents that cannot
     * make the page, so a poller that reads only the page must not ask for it: over a backlog that count is most of
     * the query's cost.
     */
    private TaskSearchResult search(TaskQuery query, int from, int size, List<FieldValue> after, boolean countAll) {
        if (query.streamPatterns() != null && query.streamPatterns().isEmpty()) {
            return new TaskSearchResult(List.of(), 0);
        }
        return index.read("search tasks", () -> {
            SearchResponse<ObjectNode> response = client.search(s -> {
                s.index(alias)
                    .ignoreUnavailable(true)
                    .allowNoIndices(true)
                    .query(toQuery(query))
                    .from(from)
                    .size(size)
                    .seqNoPrimaryTerm(true)
                    .trackTotalHits(t -> t.enabled(countAll))
                    .sort(o -> o.field(f -> f.field("created_at").order(query.oldestFirst() ? SortOrder.Asc : SortOrder.Desc)))
                    .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
                return after == null ? s : s.searchAfter(after);
            }, ObjectNode.class);
            List<StoredTask> tasks = new ArrayList<>();
            for (Hit<ObjectNode> hit : response.hits().hits()) {
                tasks.add(new StoredTask(json.fromSource(hit.source()), new DocVersion(hit.seqNo(), hit.primaryTerm())));
            }
            long total = response.hits().total() == null ? tasks.size() : response.hits().total().value();
            return new TaskSearchResult(tasks, total);
        }, new TaskSearchResult(List.of(), 0));
    }

    /** The document {@code _id}: ids are unique within a space. */
    private static String key(String space, String id) {
        return space + ":" + id;
    }

    private static String key(TaskRecord record) {
        return key(record.document().space(), record.id());
    }

    private static Query toQuery(TaskQuery q) {
        BoolQuery.Builder bool = new BoolQuery.Builder();
        if (q.types() != null) {
            List<FieldValue> values = q.types().stream().map(FieldValue::of).toList();
            bool.filter(f -> f.terms(t -> t.field("type").terms(v -> v.value(values))));
        }
        term(bool, "stream", q.stream());
        term(bool, "space", q.space());
        term(bool, "owner", q.owner());
        if (q.statuses() != null) {
            List<FieldValue> values = q.statuses().stream().map(s -> FieldValue.of(s.wireName())).toList();
            bool.filter(f -> f.terms(t -> t.field("status").terms(v -> v.value(values))));
        }
        if (q.streamPatterns() != null && !q.streamPatterns().contains("*")) {
            bool.filter(f -> f.bool(b -> {
                for (String pattern : q.streamPatterns()) {
                    b.should(s -> s.wildcard(w -> w.field("stream").value(wildcard(pattern))));
                }
                return b.minimumShouldMatch("1");
            }));
        }
        if (q.claimed() != null) {
            Query hasNode = Query.of(e -> e.exists(x -> x.field("node")));
            if (q.claimed()) {
                bool.filter(hasNode);
            } else {
                bool.mustNot(hasNode);
            }
        }
        if (q.dueBy() != null) {
            String due = q.dueBy().toString();
            bool.filter(f -> f.bool(b -> b
                .should(s -> s.bool(n -> n.mustNot(m -> m.exists(x -> x.field("run_after")))))
                .should(s -> s.range(r -> r.field("run_after").lte(JsonData.of(due))))
                .minimumShouldMatch("1")));
        }
        if (q.heartbeatBefore() != null) {
            bool.filter(f -> f.range(r -> r.field("heartbeat_at").lt(JsonData.of(q.heartbeatBefore().toString()))));
        }
        if (q.updatedBefore() != null) {
            bool.filter(f -> f.range(r -> r.field("updated_at").lt(JsonData.of(q.updatedBefore().toString()))));
        }
        return bool.build().toQuery();
    }

    private static void term(BoolQuery.Builder bool, String field, String value) {
        if (value != null) {
            bool.filter(f -> f.term(t -> t.field(field).value(FieldValue.of(value))));
        }
    }

    /** A stream pattern (only {@code *} is special) as an OpenSearch wildcard, where {@code ?} and {@code \} are too. */
    static String wildcard(String pattern) {
        return pattern.replace("\\", "\\\\").replace("?", "\\?");
    }

    @Override
    public Map<String, Long> countByType(TaskQuery query) {
        return termCounts("type", toQuery(query));
    }

    @Override
    public long count(TaskQuery query) {
        return index.read("count tasks", () -> client.count(c -> c.index(alias).ignoreUnavailable(true).allowNoIndices(true)
            .query(toQuery(query))).count(), 0L);
    }

    @Override
    public Set<String> nodesBeatingSince(Instant since) {
        Query recent = Query.of(q -> q.range(r -> r.field("heartbeat_at").gte(JsonData.of(since.toString()))));
        return termCounts("node", recent).keySet();
    }

    private Map<String, Long> termCounts(String field, Query query) {
        return index.read("count tasks by " + field, () -> {
            SearchResponse<Void> response = client.search(s -> s.index(alias).ignoreUnavailable(true).allowNoIndices(true)
                .size(0).query(query).aggregations("by", a -> a.terms(t -> t.field(field).size(1000))), Void.class);
            Map<String, Long> counts = new TreeMap<>();
            for (StringTermsBucket bucket : response.aggregations().get("by").sterms().buckets().array()) {
                counts.put(bucket.key(), bucket.docCount());
            }
            return counts;
        }, Map.of());
    }

    @Override
    public long deleteAll(TaskQuery query) {
        Long deleted = index.read("delete finished tasks", () -> client.deleteByQuery(d -> d.index(alias).ignoreUnavailable(true)
            .allowNoIndices(true).conflicts(Conflicts.Proceed).query(toQuery(query))).deleted(), 0L);
        return deleted == null ? 0 : deleted;
    }

    @Override
    public StoreHealth health() {
        try {
            HealthResponse health = client.cluster().health(h -> h.timeout(t -> t.time("5s")));
            return new StoreHealth(health.status().jsonValue().toLowerCase(Locale.ROOT), null);
        } catch (IOException | RuntimeException e) {
            return new StoreHealth("unavailable", String.valueOf(e.getMessage()));
        }
    }

    /** Creates the index and its alias unless they exist. Safe to run on every node at once. */
    void ensureIndex() {
        index.ensure();
    }

    /** Client errors as store errors: a 409 is a conflict; the rest as {@link SystemIndex#failure} maps them. */
    private static RuntimeException translate(String what, Exception e) {
        if (SystemIndex.status(e) == 409) {
            return new StoreConflictException("conflict: " + what + " (the task changed since it was read)");
        }
        return SystemIndex.failure(what, e);
    }
}

package io.sluice.store.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.store.DocVersion;
import io.sluice.store.StoreConflictException;
import io.sluice.store.StoreHealth;
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
import java.util.ArrayList;
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
import org.opensearch.client.opensearch._types.OpType;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.WriteResponseBase;
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
import org.osgi.service.component.annotations.Reference;
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
@Component(service = TaskStore.class, configurationPid = "io.sluice.store")
@Designate(ocd = StoreConfig.class)
public final class OpenSearchTaskStore implements TaskStore {

    private static final String INDEX_DEFINITION = "task-index.json";

    private final OpenSearchClient client;
    private final Logger log;
    private final String alias;
    private final String concreteIndex;
    private final StoredTaskJson json = new StoredTaskJson();

    /** Binds the node's client and makes sure the index exists (if OpenSearch answers yet). */
    @Activate
    public OpenSearchTaskStore(@Reference OpenSearchClient client, StoreConfig config) {
        this(client, config.indexPrefix(), LoggerFactory.getLogger(OpenSearchTaskStore.class));
    }

    /** For tests: any prefix, and a logger to inspect. */
    OpenSearchTaskStore(OpenSearchClient client, String indexPrefix, Logger log) {
        this.client = client;
        this.log = log;
        this.alias = indexPrefix + "-tasks";
        this.concreteIndex = alias + "-v1";
        try {
            ensureIndex();
        } catch (StoreUnavailableException e) {
            // Not fatal: OpenSearch may come up after us. The first write creates the index.
            log.warn("Task index {} not checked at start: {}", alias, e.getMessage());
        }
    }

    @Override
    public String index() {
        return alias;
    }

    @Override
    public Optional<StoredTask> get(String space, String id) {
        try {
            GetResponse<ObjectNode> response = client.get(g -> g.index(alias).id(key(space, id)).realtime(true), ObjectNode.class);
            if (!response.found()) {
                return Optional.empty();
            }
            return Optional.of(new StoredTask(json.fromSource(response.source()),
                new DocVersion(response.seqNo(), response.primaryTerm())));
        } catch (IOException | OpenSearchException e) {
            if (isIndexMissing(e)) {
                return Optional.empty();
            }
            throw translate("read task " + id, e);
        }
    }

    @Override
    public StoredTask create(TaskRecord record) {
        ObjectNode source = json.toSource(record);
        WriteResponseBase response = writeRecreatingIndex("create task " + record.id(), () ->
            client.index(i -> i.index(alias).id(key(record)).document(source).opType(OpType.Create).requireAlias(true)));
        return new StoredTask(record, new DocVersion(response.seqNo(), response.primaryTerm()));
    }

    @Override
    public StoredTask replace(TaskRecord record, DocVersion expected) {
        ObjectNode source = json.toSource(record);
        WriteResponseBase response = writeRecreatingIndex("update task " + record.id(), () ->
            client.index(i -> i.index(alias).id(key(record)).document(source).requireAlias(true)
                .ifSeqNo(expected.seqNo()).ifPrimaryTerm(expected.primaryTerm())));
        return new StoredTask(record, new DocVersion(response.seqNo(), response.primaryTerm()));
    }

    @Override
    public boolean delete(String space, String id, DocVersion expected) {
        try {
            return client.delete(d -> d.index(alias).id(key(space, id))
                .ifSeqNo(expected.seqNo()).ifPrimaryTerm(expected.primaryTerm())).result().jsonValue().equals("deleted");
        } catch (IOException | OpenSearchException e) {
            if (isIndexMissing(e) || status(e) == 404) {
                return false;
            }
            // A conditional delete of a document that is already gone answers 409, not 404.
            if (status(e) == 409 && get(space, id).isEmpty()) {
                return false;
            }
            throw translate("delete task " + id, e);
        }
    }

    @Override
    public TaskSearchResult search(TaskQuery query, int from, int size) {
        if (query.streamPatterns() != null && query.streamPatterns().isEmpty()) {
            return new TaskSearchResult(List.of(), 0);
        }
        try {
            SearchResponse<ObjectNode> response = client.search(s -> s
                .index(alias)
                .ignoreUnavailable(true)
                .allowNoIndices(true)
                .query(toQuery(query))
                .from(from)
                .size(size)
                .seqNoPrimaryTerm(true)
                .trackTotalHits(t -> t.enabled(true))
                .sort(o -> o.field(f -> f.field("created_at").order(query.oldestFirst() ? SortOrder.Asc : SortOrder.Desc)))
                .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc))), ObjectNode.class);
            List<StoredTask> tasks = new ArrayList<>();
            for (Hit<ObjectNode> hit : response.hits().hits()) {
                tasks.add(new StoredTask(json.fromSource(hit.source()), new DocVersion(hit.seqNo(), hit.primaryTerm())));
            }
            long total = response.hits().total() == null ? tasks.size() : response.hits().total().value();
            return new TaskSearchResult(tasks, total);
        } catch (IOException | OpenSearchException e) {
            if (isIndexMissing(e)) {
                return new TaskSearchResult(List.of(), 0);
            }
            throw translate("search tasks", e);
        }
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
        try {
            return client.count(c -> c.index(alias).ignoreUnavailable(true).allowNoIndices(true).query(toQuery(query))).count();
        } catch (IOException | OpenSearchException e) {
            if (isIndexMissing(e)) {
                return 0;
            }
            throw translate("count tasks", e);
        }
    }

    @Override
    public Set<String> nodesBeatingSince(Instant since) {
        Query recent = Query.of(q -> q.range(r -> r.field("heartbeat_at").gte(JsonData.of(since.toString()))));
        return termCounts("node", recent).keySet();
    }

    private Map<String, Long> termCounts(String field, Query query) {
        try {
            SearchResponse<Void> response = client.search(s -> s.index(alias).ignoreUnavailable(true).allowNoIndices(true)
                .size(0).query(query).aggregations("by", a -> a.terms(t -> t.field(field).size(1000))), Void.class);
            Map<String, Long> counts = new TreeMap<>();
            for (StringTermsBucket bucket : response.aggregations().get("by").sterms().buckets().array()) {
                counts.put(bucket.key(), bucket.docCount());
            }
            return counts;
        } catch (IOException | OpenSearchException e) {
            if (isIndexMissing(e)) {
                return Map.of();
            }
            throw translate("count tasks by " + field, e);
        }
    }

    @Override
    public long deleteAll(TaskQuery query) {
        try {
            Long deleted = client.deleteByQuery(d -> d.index(alias).ignoreUnavailable(true).allowNoIndices(true)
                .conflicts(Conflicts.Proceed).query(toQuery(query))).deleted();
            return deleted == null ? 0 : deleted;
        } catch (IOException | OpenSearchException e) {
            if (isIndexMissing(e)) {
                return 0;
            }
            throw translate("delete finished tasks", e);
        }
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
        try {
            if (client.indices().existsAlias(a -> a.name(alias)).value()) {
                return;
            }
            JsonNode definition = readDefinition();
            TypeMapping mappings = parse(TypeMapping._DESERIALIZER, definition.get("mappings"));
            IndexSettings settings = parse(IndexSettings._DESERIALIZER, definition.get("settings"));
            client.indices().create(c -> c.index(concreteIndex).settings(settings).mappings(mappings)
                .aliases(alias, a -> a.isWriteIndex(true)));
            log.info("Created task index {} (alias {})", concreteIndex, alias);
        } catch (IOException | OpenSearchException e) {
            if (e instanceof OpenSearchException o && "resource_already_exists_exception".equals(o.error().type())) {
                return; // another node won the race
            }
            throw translate("create task index " + concreteIndex, e);
        }
    }

    private static JsonNode readDefinition() {
        try (InputStream in = OpenSearchTaskStore.class.getResourceAsStream(INDEX_DEFINITION)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads part of the index definition with the client's own deserializer. */
    private <T> T parse(JsonpDeserializer<T> deserializer, JsonNode json) {
        JsonpMapper mapper = client._transport().jsonpMapper();
        try (JsonParser parser = mapper.jsonProvider().createParser(new StringReader(json.toString()))) {
            return deserializer.deserialize(parser, mapper);
        }
    }

    /** One client call that writes. */
    @FunctionalInterface
    private interface Write {
        WriteResponseBase run() throws IOException;
    }

    private WriteResponseBase writeRecreatingIndex(String what, Write write) {
        try {
            return write.run();
        } catch (IOException | OpenSearchException e) {
            if (!isIndexMissing(e)) {
                throw translate(what, e);
            }
        }
        log.warn("Task index {} was missing: creating it again (tasks stored before are gone) and retrying: {}", alias, what);
        ensureIndex();
        try {
            return write.run();
        } catch (IOException | OpenSearchException e) {
            throw translate(what, e);
        }
    }

    private static boolean isIndexMissing(Exception e) {
        return e instanceof OpenSearchException o && o.status() == 404 && "index_not_found_exception".equals(o.error().type());
    }

    private static int status(Exception e) {
        if (e instanceof OpenSearchException o) {
            return o.status();
        }
        if (e instanceof ResponseException r) {
            return r.status();
        }
        return -1;
    }

    /**
     * The one place client errors become store errors. The client reports a 409 as a {@link ResponseException} (an
     * IOException) rather than an {@link OpenSearchException} (opensearch-java#1891), so both are looked at.
     */
    private static RuntimeException translate(String what, Exception e) {
        int status = status(e);
        if (status == 409) {
            return new StoreConflictException("conflict: " + what + " (the task changed since it was read)");
        }
        if (status >= 400 && status < 500) {
            return new IllegalStateException("OpenSearch rejected: " + what + ": " + e.getMessage(), e);
        }
        return new StoreUnavailableException("task store unavailable: cannot " + what + ": " + e.getMessage(), e);
    }
}

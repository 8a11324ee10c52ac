package io.sluice.identification.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.IndexDefinition;
import io.sluice.opensearch.node.OpenSearchExtension;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;

/**
 * A filter read in memory and its query run by OpenSearch select the same documents: checked on generated conditions
 * (every operator, nested and/or/not, absent and multi-valued fields) over documents indexed with the stream mapping.
 */
@ExtendWith(OpenSearchExtension.class)
class ConditionTest {

    private static final List<String> HOSTS = List.of("db-1", "db-2", "web-1", "Web-1", "cache");
    private static final List<String> LEVELS = List.of("INFO", "WARN", "ERROR", "debug");
    private static final List<String> WORDS = List.of("started", "stopped", "failed", "connection", "reset", "a*b", "50%");

    private final OpenSearchClient client;

    ConditionTest(OpenSearchClient client) {
        this.client = client;
    }

    @Test
    void generatedConditionsSelectTheSameDocumentsInMemoryAndInOpenSearch() throws IOException {
        String index = "t-conditions-" + UUID.randomUUID().toString().substring(0, 8);
        new IndexDefinition(ConditionTest.class.getClassLoader().getResourceAsStream("io/sluice/streams/internal/stream-index.json"))
            .createIfAbsent(client, index);
        Random random = new Random(20261202);
        Map<String, Map<String, Object>> docs = new HashMap<>();
        List<BulkOperation> operations = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Map<String, Object> doc = document(random, i);
            String id = "d" + i;
            docs.put(id, doc);
            operations.add(BulkOperation.of(o -> o.index(x -> x.id(id).document(doc))));
        }
        client.bulk(b -> b.index(index).refresh(Refresh.True).operations(operations));
        JsonpMapper mapper = client._transport().jsonpMapper();

        int checked = 0;
        for (int n = 0; n < 300; n++) {
            Condition condition = condition(random, 0);
            Set<String> inMemory = new TreeSet<>();
            docs.forEach((id, doc) -> {
                if (condition.matches(doc)) {
                    inMemory.add(id);
                }
            });
            var hits = client.search(s -> s.index(index).size(1000).query(FeatureIdentificationTask.query(condition.toQuery(), mapper))
                .source(src -> src.fetch(false)), Void.class).hits().hits();
            Set<String> inOpenSearch = new TreeSet<>();
            hits.forEach(hit -> inOpenSearch.add(hit.id()));
            assertEquals(inMemory, inOpenSearch, () -> "condition " + condition.toJson());
            assertEquals(condition, Condition.parse(condition.toJson()), "a condition reads back as itself");
            checked++;
        }
        assertEquals(300, checked);
    }

    @Test
    void malformedConditionsAreRefusedSayingWhere() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Condition.parse(Map.of("field", "a")))
            .getMessage().contains("exactly one operator"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Condition.parse(Map.of("field", "a", "like", "x")))
            .getMessage().contains("unknown operator 'like'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> Condition.parse(Map.of("and", List.of(Map.of("field", "a", "eq", Map.of("x", 1)))))).getMessage()
            .startsWith("filter.and[0].eq"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Condition.parse(Map.of("or", List.of())))
            .getMessage().contains("non-empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Condition.parse("text")).getMessage()
            .contains("JSON object"));
    }

    private static Map<String, Object> document(Random random, int i) {
        Map<String, Object> doc = new HashMap<>();
        doc.put("@timestamp", Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(86_400)).toString());
        doc.put("message", WORDS.get(random.nextInt(WORDS.size())) + " " + i + " " + WORDS.get(random.nextInt(WORDS.size())));
        if (random.nextInt(5) > 0) {
            doc.put("host", Map.of("name", HOSTS.get(random.nextInt(HOSTS.size()))));
        }
        if (random.nextInt(4) > 0) {
            doc.put("log", Map.of("level", LEVELS.get(random.nextInt(LEVELS.size()))));
        }
        if (random.nextBoolean()) {
            doc.put("process", Map.of("pid", random.nextInt(50)));
        }
        if (random.nextInt(3) == 0) {
            doc.put("tags", List.of(WORDS.get(random.nextInt(3)), WORDS.get(3 + random.nextInt(3))));
        }
        return doc;
    }

    private static Condition condition(Random random, int depth) {
        int kind = random.nextInt(depth >= 2 ? 6 : 9);
        switch (kind) {
            case 6 -> {
                return new Condition.And(List.of(condition(random, depth + 1), condition(random, depth + 1)));
            }
            case 7 -> {
                return new Condition.Or(List.of(condition(random, depth + 1), condition(random, depth + 1)));
            }
            case 8 -> {
                return new Condition.Not(condition(random, depth + 1));
            }
            case 5 -> {
                return new Condition.Exists(List.of("host.name", "log.level", "process.pid", "tags").get(random.nextInt(4)));
            }
            case 4 -> {
                int low = random.nextInt(40);
                return new Condition.Range("process.pid", Map.of("gte", low, "lt", low + random.nextInt(20) + 1));
            }
            default -> {
                return compare(random);
            }
        }
    }

    private static Condition compare(Random random) {
        Condition.Op op = Condition.Op.values()[random.nextInt(Condition.Op.values().length)];
        switch (random.nextInt(5)) {
            case 0 -> {
                return new Condition.Compare("host.name", op, op.wire.endsWith("With") || op == Condition.Op.CONTAINS
                    ? HOSTS.get(random.nextInt(HOSTS.size())).substring(0, 2) : HOSTS.get(random.nextInt(HOSTS.size())));
            }
            case 1 -> {
                return new Condition.Compare("log.level", op, LEVELS.get(random.nextInt(LEVELS.size())));
            }
            case 2 -> {
                boolean text = op == Condition.Op.CONTAINS || op.wire.endsWith("With");
                return new Condition.Compare(text ? "message" : "process.pid", op,
                    text ? WORDS.get(random.nextInt(WORDS.size())) : random.nextInt(50));
            }
            case 3 -> {
                boolean text = op == Condition.Op.CONTAINS || op.wire.endsWith("With");
                return new Condition.Compare("tags", op, text ? "con" : WORDS.get(random.nextInt(6)));
            }
            default -> {
                boolean ordered = op == Condition.Op.LT || op == Condition.Op.LTE || op == Condition.Op.GT || op == Condition.Op.GTE;
                return new Condition.Compare(ordered ? "@timestamp" : "log.level", ordered ? op : Condition.Op.EQ,
                    ordered ? "2026-01-01T12:00:00Z" : "WARN");
            }
        }
    }
}

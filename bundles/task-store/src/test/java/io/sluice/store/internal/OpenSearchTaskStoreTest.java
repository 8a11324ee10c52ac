package io.sluice.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.security.TaskApiKey;
import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.store.DocVersion;
import io.sluice.store.StoreConflictException;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskQuery;
import io.sluice.store.TaskRecord;
import io.sluice.store.TaskSearchResult;
import io.sluice.task.AttemptRecord;
import io.sluice.task.StoreUnavailableException;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskError;
import io.sluice.task.TaskStatus;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

@ExtendWith(OpenSearchExtension.class)
class OpenSearchTaskStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00.123Z");

    private final OpenSearchClient client;
    private final String prefix = ".t" + UUID.randomUUID().toString().substring(0, 8);
    private final LinkedBlockingQueue<SubstituteLoggingEvent> logged = new LinkedBlockingQueue<>();
    private final OpenSearchTaskStore store;

    OpenSearchTaskStoreTest(OpenSearchClient client) {
        this.client = client;
        SubstituteLogger logger = new SubstituteLogger("store", logged, false);
        this.store = new OpenSearchTaskStore(client, prefix, new EventRecordingLogger(logger, logged));
    }

    @Test
    void theIndexHasTheSpecMappingWithTheTaskObjectStoredButNotIndexed() throws IOException {
        Map<String, Property> properties = client.indices().getMapping(m -> m.index(store.index()))
            .result().values().iterator().next().mappings().properties();
        assertFalse(properties.get("task").object().enabled());
        assertTrue(properties.get("status").isKeyword());
        assertTrue(properties.get("created_at").isDate());
        assertTrue(properties.get("attempt").isInteger());
    }

    @Test
    void aCreatedTaskReadsBackInRealTimeWithEveryField() {
        TaskDocument full = new TaskDocument("t1", "sample", TaskStatus.FAILED, "logs", "default", "alice",
            T0, T0.plusSeconds(1), T0.plusSeconds(2), "node-a", 2,
            T0.minusSeconds(30), T0.plusSeconds(1), null, T0.minusSeconds(20),
            Map.of("steps", 3, "nested", Map.of("list", List.of(1, "two"))), null,
            new TaskError("boom", "it broke"), Map.of("step", 2),
            List.of(new AttemptRecord(1, "node-a", T0, T0.plusSeconds(1), AttemptRecord.Outcome.RETRYING, new TaskError("x", "y")),
                new AttemptRecord(2, "node-a", T0.plusSeconds(1), null, null, null)));
        StoredTask created = store.create(new TaskRecord(full, T0.plusSeconds(60), new TaskApiKey("key-1", "c2VhbGVk")));

        StoredTask read = store.get("default", "t1").orElseThrow();
        assertEquals(full, read.document());
        assertEquals(T0.plusSeconds(60), read.record().runAfter());
        assertEquals(new TaskApiKey("key-1", "c2VhbGVk"), read.record().apiKey());
        assertEquals(created.version(), read.version());
    }

    @Test
    void creatingATaskThatExistsIsAConflict() {
        store.create(TaskRecord.of(doc("dup", TaskStatus.IN_PROGRESS)));
        assertThrows(StoreConflictException.class, () -> store.create(TaskRecord.of(doc("dup", TaskStatus.COMPLETED))));
        assertEquals(TaskStatus.IN_PROGRESS, store.get("default", "dup").orElseThrow().document().status());
    }

    @Test
    void aReplaceBasedOnAStaleReadChangesNothing() {
        StoredTask first = store.create(TaskRecord.of(doc("r", TaskStatus.IN_PROGRESS)));
        StoredTask second = store.replace(TaskRecord.of(doc("r", TaskStatus.BEING_CANCELED)), first.version());
        assertThrows(StoreConflictException.class,
            () -> store.replace(TaskRecord.of(doc("r", TaskStatus.COMPLETED)), first.version()));
        StoredTask now = store.get("default", "r").orElseThrow();
        assertEquals(TaskStatus.BEING_CANCELED, now.document().status());
        assertEquals(second.version(), now.version());
    }

    @Test
    void replacingADeletedTaskIsAConflictNotAResurrection() {
        StoredTask created = store.create(TaskRecord.of(doc("gone", TaskStatus.IN_PROGRESS)));
        assertTrue(store.delete("default", "gone", created.version()));
        assertThrows(StoreConflictException.class,
            () -> store.replace(TaskRecord.of(doc("gone", TaskStatus.COMPLETED)), created.version()));
        assertTrue(store.get("default", "gone").isEmpty());
    }

    @Test
    void deleteIsConditionalToo() {
        StoredTask created = store.create(TaskRecord.of(doc("d", TaskStatus.COMPLETED)));
        StoredTask changed = store.replace(TaskRecord.of(doc("d", TaskStatus.ACKNOWLEDGED)), created.version());
        assertThrows(StoreConflictException.class, () -> store.delete("default", "d", created.version()));
        assertTrue(store.delete("default", "d", changed.version()));
        assertFalse(store.delete("default", "d", changed.version()));
    }

    @Test
    void searchFiltersPagesAndSortsNewestFirst() throws IOException {
        for (int i = 0; i < 5; i++) {
            store.create(TaskRecord.of(doc("a" + i, TaskStatus.IN_PROGRESS, "type-a", "logs.ssh", "alice", T0.plusSeconds(i))));
        }
        store.create(TaskRecord.of(doc("b", TaskStatus.COMPLETED, "type-b", "metrics", "bob", T0)));
        store.create(TaskRecord.of(doc("c", TaskStatus.COMPLETED, "type-b", null, "bob", T0)));
        store.create(TaskRecord.of(new TaskDocument("other-space", "type-a", TaskStatus.IN_PROGRESS, "logs", "ops", "alice",
            T0, T0, null, null, 0, null, null, null, null, Map.of(), null, null, null, List.of())));
        client.indices().refresh(r -> r.index(store.index()));

        TaskSearchResult page = store.search(TaskQuery.all().withType("type-a").withSpace("default"), 1, 2);
        assertEquals(5, page.total());
        assertEquals(List.of("a3", "a2"), page.tasks().stream().map(StoredTask::id).toList());
        assertEquals(List.of("b", "c"), ids(store.search(TaskQuery.all().withOwner("bob"), 0, 10)));
        assertEquals(List.of("b"), ids(store.search(TaskQuery.all().withStream("metrics"), 0, 10)));
        assertEquals(List.of("b", "c"), ids(store.search(TaskQuery.all().withStatuses(Set.of(TaskStatus.COMPLETED)), 0, 10)));
        assertEquals(List.of("other-space"), ids(store.search(TaskQuery.all().withSpace("ops"), 0, 10)));
        // Stream patterns: a prefix pattern, no task without a stream unless "*", nothing for no pattern.
        assertEquals(Set.of("a0", "a1", "a2", "a3", "a4", "other-space"),
            Set.copyOf(ids(store.search(TaskQuery.all().withStreamPatterns(List.of("logs*")), 0, 10))));
        assertEquals(8, store.search(TaskQuery.all().withStreamPatterns(List.of("*")), 0, 10).total());
        assertEquals(0, store.search(TaskQuery.all().withStreamPatterns(List.of()), 0, 10).total());
        assertEquals(List.of("b"), ids(store.search(TaskQuery.all().withStreamPatterns(List.of("met?ics", "metr*")), 0, 10)));
    }

    @Test
    void queriesForTheSchedulerFindClaimableStaleAndFinishedTasks() throws IOException {
        Instant later = T0.plusSeconds(60);
        store.create(new TaskRecord(doc("queued", TaskStatus.IN_PROGRESS), null, null));
        store.create(new TaskRecord(doc("backoff", TaskStatus.IN_PROGRESS), later, null));
        store.create(TaskRecord.of(claimed("beating", "node-a", later)));
        store.create(TaskRecord.of(claimed("silent", "node-b", T0)));
        store.create(TaskRecord.of(doc("done", TaskStatus.COMPLETED, "other", "logs", "alice", T0.minusSeconds(5))));
        client.indices().refresh(r -> r.index(store.index()));

        TaskQuery unclaimed = TaskQuery.all().withStatuses(Set.of(TaskStatus.IN_PROGRESS)).withClaimed(false);
        assertEquals(Set.of("queued", "backoff"), Set.copyOf(ids(store.search(unclaimed, 0, 10))));
        assertEquals(List.of("queued"), ids(store.search(unclaimed.withDueBy(T0.plusSeconds(1)), 0, 10)));
        assertEquals(2, store.search(unclaimed.withDueBy(later), 0, 10).total());
        assertEquals(List.of("silent"), ids(store.search(TaskQuery.all().withClaimed(true).withHeartbeatBefore(T0.plusSeconds(30)), 0, 10)));
        assertEquals(List.of("done", "queued"), ids(store.search(TaskQuery.all().withTypes(Set.of("other", "sample"))
            .withStatuses(Set.of(TaskStatus.COMPLETED, TaskStatus.IN_PROGRESS)).withClaimed(false).withDueBy(T0)
            .inCreationOrder(), 0, 10)));
        // A poller's walk: the first page without counting every match, then on from its last task.
        TaskQuery oldestFirst = TaskQuery.all().withTypes(Set.of("other", "sample"))
            .withStatuses(Set.of(TaskStatus.COMPLETED, TaskStatus.IN_PROGRESS)).withClaimed(false).withDueBy(T0).inCreationOrder();
        TaskSearchResult first = store.searchAfter(oldestFirst, null, 1);
        assertEquals(List.of("done"), ids(first));
        assertEquals(1, first.total(), "the total of a walked page counts only the page");
        assertEquals(List.of("queued"), ids(store.searchAfter(oldestFirst, first.tasks().get(0), 10)));
        assertEquals(Map.of("sample", 4L, "other", 1L), store.countByType(TaskQuery.all()));
        assertEquals(2, store.count(TaskQuery.all().withClaimed(true)));
        assertEquals(Set.of("node-a"), store.nodesBeatingSince(T0.plusSeconds(30)));

        assertEquals(1, store.deleteAll(TaskQuery.all().withStatuses(Set.of(TaskStatus.COMPLETED)).withUpdatedBefore(T0)));
        assertTrue(store.get("default", "done").isEmpty());
        assertTrue(store.get("default", "queued").isPresent());
    }

    @Test
    void aWriteByAnotherNodeReachesThisNodesWatchersAndMemoryThroughTheFeed() throws Exception {
        OpenSearchTaskStore other = new OpenSearchTaskStore(client, prefix, org.slf4j.helpers.NOPLogger.NOP_LOGGER);
        try {
            assertTrue(store.get("default", "fed").isEmpty());
            assertEquals(java.util.Optional.empty(), store.recent("default", "fed").orElseThrow().task(),
                "this node read that it does not exist, and remembers");
            java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(1);
            store.watch("default", "fed", woken::countDown);

            StoredTask written = other.create(TaskRecord.of(doc("fed", TaskStatus.IN_PROGRESS)));
            assertTrue(woken.await(30, java.util.concurrent.TimeUnit.SECONDS), "the feed never saw the other node's write");
            assertTrue(store.recent("default", "fed").isEmpty(), "the stale memory of absence is forgotten");
            assertEquals(written.version(), store.get("default", "fed").orElseThrow().version());
            assertEquals(written.version(), store.recent("default", "fed").orElseThrow().task().orElseThrow().version());
        } finally {
            other.close();
        }
    }

    private static TaskDocument claimed(String id, String node, Instant heartbeat) {
        return new TaskDocument(id, "sample", TaskStatus.IN_PROGRESS, "logs", "default", "alice", T0, heartbeat, heartbeat,
            node, 1, null, null, null, null, Map.of(), null, null, null, List.of());
    }

    @Test
    void theIndexDeletedUnderTheStoreIsRecreatedByTheNextWriteWhichSaysSo() throws IOException {
        store.create(TaskRecord.of(doc("before", TaskStatus.IN_PROGRESS)));
        client.indices().delete(d -> d.index(store.index() + "-v1"));
        logged.clear();

        assertTrue(store.get("default", "before").isEmpty());
        store.create(TaskRecord.of(doc("after", TaskStatus.IN_PROGRESS)));

        assertEquals(TaskStatus.IN_PROGRESS, store.get("default", "after").orElseThrow().document().status());
        assertTrue(logged.stream().anyMatch(e -> e.getLevel() == Level.WARN && e.getMessage().contains("was missing")),
            "no warning logged: " + logged.stream().map(SubstituteLoggingEvent::getMessage).toList());
        assertFalse(client.indices().getMapping(m -> m.index(store.index()))
            .result().values().iterator().next().mappings().properties().get("task").object().enabled());
    }

    @Test
    void anUnreachableClusterIsReportedAsUnavailableNotAsAClientError() throws IOException {
        try (ApacheHttpClient5Transport transport = ApacheHttpClient5TransportBuilder.builder(new HttpHost("http", "127.0.0.1", 1)).build()) {
            OpenSearchTaskStore down = new OpenSearchTaskStore(new OpenSearchClient(transport), prefix,
                new EventRecordingLogger(new SubstituteLogger("down", logged, false), logged));
            assertThrows(StoreUnavailableException.class, () -> down.get("default", "x"));
            assertThrows(StoreUnavailableException.class, () -> down.create(TaskRecord.of(doc("x", TaskStatus.IN_PROGRESS))));
            assertEquals("unavailable", down.health().status());
        }
    }

    @Test
    void theSameIdInTwoSpacesIsTwoTasks() {
        store.create(TaskRecord.of(doc("same", TaskStatus.IN_PROGRESS)));
        store.create(TaskRecord.of(new TaskDocument("same", "sample", TaskStatus.COMPLETED, "logs", "ops", "bob",
            T0, T0, null, null, 0, null, null, null, null, Map.of(), null, null, null, List.of())));
        assertEquals(TaskStatus.IN_PROGRESS, store.get("default", "same").orElseThrow().document().status());
        assertEquals(TaskStatus.COMPLETED, store.get("ops", "same").orElseThrow().document().status());
        assertTrue(store.get("elsewhere", "same").isEmpty());
    }

    @Test
    void wildcardMetaCharactersOtherThanStarAreEscaped() {
        assertEquals("logs\\?x*", OpenSearchTaskStore.wildcard("logs?x*"));
        assertEquals("a\\\\b", OpenSearchTaskStore.wildcard("a\\b"));
    }

    private static List<String> ids(TaskSearchResult result) {
        return result.tasks().stream().map(StoredTask::id).toList();
    }

    static TaskDocument doc(String id, TaskStatus status) {
        return doc(id, status, "sample", "logs", "alice", T0);
    }

    private static TaskDocument doc(String id, TaskStatus status, String type, String stream, String owner, Instant created) {
        return new TaskDocument(id, type, status, stream, "default", owner, created, created, null, null, 0,
            null, null, null, null, Map.of(), null, null, null, List.of());
    }

    static Instant millis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}

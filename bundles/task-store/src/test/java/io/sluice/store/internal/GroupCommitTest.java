package io.sluice.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.store.DocVersion;
import io.sluice.store.StoreConflictException;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskRecord;
import io.sluice.task.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.slf4j.LoggerFactory;

/** Concurrent conditional writes go together in one bulk; a conflicting item fails alone; nothing acknowledged is lost. */
@ExtendWith(OpenSearchExtension.class)
class GroupCommitTest {

    private final OpenSearchTaskStore store;

    GroupCommitTest(OpenSearchClient client) {
        store = new OpenSearchTaskStore(client, ".g" + UUID.randomUUID().toString().substring(0, 8),
            LoggerFactory.getLogger(GroupCommitTest.class));
    }

    @Test
    void concurrentWritesShareABulkAndOnlyTheConflictingItemFails() throws Exception {
        int tasks = 20;
        List<StoredTask> created = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            created.add(store.create(TaskRecord.of(OpenSearchTaskStoreTest.doc("g" + i, TaskStatus.IN_PROGRESS))));
        }
        // The writer of g7 read a version that is no longer current: someone else wrote since.
        StoredTask g7 = created.get(7);
        StoredTask newer = store.replace(g7.record().next(OpenSearchTaskStoreTest.doc("g7", TaskStatus.BEING_CANCELED)), g7.version());

        store.groupCommit(500, 200_000); // a long linger, so that the writes below leave together
        long[] before = store.groupCommitFigures();
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<DocVersion>> results = new ArrayList<>();
        for (StoredTask task : created) {
            results.add(pool.submit(() -> {
                go.await();
                return store.replace(task.record().next(OpenSearchTaskStoreTest.doc(task.document().id(), TaskStatus.COMPLETED)),
                    task.version()).version();
            }));
        }
        go.countDown();
        List<Integer> conflicts = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            try {
                results.get(i).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertInstanceOf(StoreConflictException.class, e.getCause());
                conflicts.add(i);
            }
        }
        pool.shutdown();
        long[] after = store.groupCommitFigures();
        assertEquals(List.of(7), conflicts, "only the write that read an old version fails");
        assertEquals(tasks, after[1] - before[1]);
        assertTrue(after[0] - before[0] < tasks, "writes went together: " + (after[0] - before[0]) + " bulks for " + tasks);
        assertEquals(TaskStatus.COMPLETED, store.get("default", "g3").orElseThrow().document().status());
        assertEquals(newer.version(), store.get("default", "g7").orElseThrow().version(), "the newer write stands");
    }

    @Test
    void whatWasAcknowledgedSurvivesTheStoreStoppingMidway() throws Exception {
        int tasks = 200;
        store.groupCommit(10, 0);
        Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> writers = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            String id = "c" + i;
            writers.add(pool.submit(() -> {
                try {
                    store.create(TaskRecord.of(OpenSearchTaskStoreTest.doc(id, TaskStatus.IN_PROGRESS)));
                    acknowledged.put(id, true);
                } catch (RuntimeException e) {
                    acknowledged.put(id, false); // refused: the caller knows it was not written
                }
            }));
        }
        // Stop while writes are still coming: queued ones are refused, never silently dropped.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < 20 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        store.close();
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(tasks, acknowledged.size(), "every caller got an answer");
        long written = acknowledged.values().stream().filter(Boolean::booleanValue).count();
        assertTrue(written > 0 && written < tasks, "some writes went before the stop, some after: " + written);
        for (Map.Entry<String, Boolean> entry : acknowledged.entrySet()) {
            if (entry.getValue()) {
                assertTrue(store.get("default", entry.getKey()).isPresent(), entry.getKey() + " was acknowledged but is missing");
            }
        }
    }
}

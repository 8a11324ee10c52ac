package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.OPS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.scheduler.internal.TaskLifecycle.Kind;
import io.sluice.scheduler.internal.TaskLifecycle.Result;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.store.StoredTask;
import io.sluice.store.internal.OpenSearchTaskStore;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Group commit seen from the runs, on the real node: completions of many runs leave in shared bulks; the one whose
 * task was taken over meanwhile fails alone inside its bulk, and its run learns that it lost the task.
 */
@ExtendWith(OpenSearchExtension.class)
class GroupCommitLostRunTest {

    private static final String SPACE = "default";
    private static final int RUNS = 12;
    private static final int SUPERSEDED = 5;

    private final Tasks t;
    private final ExecutorService threads = Executors.newFixedThreadPool(RUNS);

    GroupCommitLostRunTest(OpenSearchClient opensearch) {
        t = new Tasks(opensearch);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aSupersededRunsCompletionFailsAloneInItsBatchAndTheRunLearnsItLost() throws Exception {
        List<String> ids = new ArrayList<>();
        List<RunId> runs = new ArrayList<>();
        List<StoredTask> lastWritten = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String id = schedule(i);
            Result claim = t.runs.claim(SPACE, id, "node-a");
            ids.add(id);
            runs.add(RunId.of(claim.document()));
            lastWritten.add(claim.stored());
        }
        // One run is superseded behind its back: its task went stale and a schedule started a new run. The run still
        // holds the version it last wrote, so its completion is decided on that and written conditionally on it.
        t.goStale();
        schedule(SUPERSEDED);
        StoredTask successor = t.store.get(SPACE, ids.get(SUPERSEDED)).orElseThrow();

        OpenSearchTaskStore store = (OpenSearchTaskStore) t.store;
        // A linger far longer than twelve threads take to submit, so that the completions below leave in one bulk.
        store.groupCommit(500, 1_000_000);
        long[] before = store.groupCommitFigures();
        long conflictsBefore = t.client.lifecycle().conflicts();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Result>> completions = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            int n = i;
            completions.add(threads.submit(() -> {
                go.await();
                return t.runs.complete(SPACE, ids.get(n), runs.get(n), Map.of("answer", n), lastWritten.get(n));
            }));
        }
        go.countDown();
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Result result = completions.get(i).get(60, TimeUnit.SECONDS);
            if (result.kind() == Kind.LOST) {
                lost.add(i);
            } else {
                assertEquals(Kind.WRITTEN, result.kind());
                assertEquals(TaskStatus.COMPLETED, t.store.get(SPACE, ids.get(i)).orElseThrow().document().status());
            }
        }
        long[] after = store.groupCommitFigures();

        assertEquals(List.of(SUPERSEDED), lost, "only the superseded run loses");
        assertEquals(1, t.client.lifecycle().conflicts() - conflictsBefore,
            "the superseded run learned it lost from its refused bulk item, then read and decided again");
        assertEquals(RUNS, after[1] - before[1], "every completion was a conditional write in a bulk");
        assertEquals(1, after[0] - before[0], "all completions, the superseded one with them, went in one bulk");
        assertEquals(successor.version(), t.store.get(SPACE, ids.get(SUPERSEDED)).orElseThrow().version(),
            "the new run's task is untouched");
    }

    /** Schedules the task of stream {@code logs.g<n>}; returns its id. */
    private String schedule(int n) {
        return t.client.schedule(ScheduleRequest.of("sample").stream("logs.g" + n).params(Map.of()).build(), OPS).task().id();
    }
}

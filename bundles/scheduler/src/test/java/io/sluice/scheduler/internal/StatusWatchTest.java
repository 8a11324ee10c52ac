package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.OPS;
import static io.sluice.scheduler.internal.Tasks.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.task.PageRequest;
import io.sluice.task.ReportedStatus;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.StoreUnavailableException;
import io.sluice.task.TaskFilter;
import io.sluice.task.TaskPage;
import io.sluice.task.TaskStatusView;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/** Waiting status reads: woken by a write, answered at the end of the wait, never dropped when the client stops. */
@ExtendWith(OpenSearchExtension.class)
class StatusWatchTest {

    private final Tasks t;

    StatusWatchTest(OpenSearchClient opensearch) {
        t = new Tasks(opensearch);
    }

    /** Listings are searches: they see a write once the index refreshes. */
    private static final class Await {
        static void searchable(Tasks t) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> t.client.list(TaskFilter.all(), PageRequest.first(50), VIEWER).total() > 0);
        }
    }

    @Test
    void aWaitingReadIsAnsweredWhenTheTaskChanges() throws Exception {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.w").build(), OPS);
        TaskStatusView before = t.client.status("sample_logs.w", VIEWER);
        CompletableFuture<TaskStatusView> waiting =
            t.client.statusChange("sample_logs.w", VIEWER, before.etag(), Duration.ofMinutes(1)).toCompletableFuture();
        assertFalse(waiting.isDone(), "nothing changed yet: the read waits");

        t.client.cancel("sample_logs.w", OPS);
        TaskStatusView after = waiting.get(30, TimeUnit.SECONDS);
        assertEquals(ReportedStatus.BEING_CANCELED, after.status());
        assertNotEquals(before.etag(), after.etag());
    }

    @Test
    void aReadWhoseTagIsAlreadyOutdatedIsAnsweredAtOnce() throws Exception {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.x").build(), OPS);
        TaskStatusView view = t.client.statusChange("sample_logs.x", VIEWER, "\"outdated\"", Duration.ofMinutes(1))
            .toCompletableFuture().getNow(null);
        assertEquals(ReportedStatus.IN_PROGRESS, view.status());
    }

    @Test
    void theWaitEndsWithTheUnchangedView() throws Exception {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.y").build(), OPS);
        TaskStatusView before = t.client.status("sample_logs.y", VIEWER);
        TaskStatusView after = t.client.statusChange("sample_logs.y", VIEWER, before.etag(), Duration.ofMillis(200))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(before.etag(), after.etag());
    }

    @Test
    void aWaitingListIsAnsweredWhenATaskOfTheSpaceChanges() throws Exception {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.l1").build(), OPS);
        Await.searchable(t);
        TaskPage before = t.client.list(TaskFilter.all(), PageRequest.first(50), VIEWER);
        CompletableFuture<TaskPage> waiting = t.client.listChange(TaskFilter.all(), PageRequest.first(50), VIEWER,
            before.etag(), Duration.ofMinutes(1)).toCompletableFuture();
        assertFalse(waiting.isDone(), "nothing changed yet: the listing waits");

        t.client.schedule(ScheduleRequest.of("sample").stream("logs.l2").build(), OPS);
        TaskPage after = waiting.get(30, TimeUnit.SECONDS);
        assertNotEquals(before.etag(), after.etag());
        assertEquals(before.total() + 1, after.total());
    }

    @Test
    void aListingWithAnOutdatedTagIsAnsweredAtOnceAndAnUnchangedOneAtTheEndOfItsWait() throws Exception {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.l3").build(), OPS);
        Await.searchable(t);
        TaskPage now = t.client.listChange(TaskFilter.all(), PageRequest.first(50), VIEWER, "\"outdated\"",
            Duration.ofMinutes(1)).toCompletableFuture().getNow(null);
        assertEquals(1, now.total());
        TaskPage same = t.client.listChange(TaskFilter.all(), PageRequest.first(50), VIEWER, now.etag(), Duration.ofMillis(300))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(now.etag(), same.etag());
    }

    @Test
    void stoppingTheClientAnswersEveryWaitingRead() throws Exception {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.z").build(), OPS);
        TaskStatusView before = t.client.status("sample_logs.z", VIEWER);
        CompletableFuture<TaskStatusView> waiting =
            t.client.statusChange("sample_logs.z", VIEWER, before.etag(), Duration.ofMinutes(1)).toCompletableFuture();
        t.client.deactivate();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> waiting.get(30, TimeUnit.SECONDS));
        assertInstanceOf(StoreUnavailableException.class, e.getCause());
        assertEquals(503, ((StoreUnavailableException) e.getCause()).statusCode());
    }
}

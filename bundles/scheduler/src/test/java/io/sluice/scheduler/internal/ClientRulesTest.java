package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.ADMIN;
import static io.sluice.scheduler.internal.Tasks.OPS;
import static io.sluice.scheduler.internal.Tasks.OTHER_SPACE;
import static io.sluice.scheduler.internal.Tasks.VIEWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.task.ForbiddenException;
import io.sluice.task.InvalidParamsException;
import io.sluice.task.PageRequest;
import io.sluice.task.ReportedStatus;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskConflictException;
import io.sluice.task.TaskFilter;
import io.sluice.task.TaskNotFoundException;
import io.sluice.task.TaskPage;
import io.sluice.task.TaskStatus;
import io.sluice.task.TaskStatusView;
import io.sluice.task.UnknownTaskTypeException;
import io.sluice.task.StoreUnavailableException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/** What TaskClient refuses before writing anything, who sees what, and the status view's shape. */
@ExtendWith(OpenSearchExtension.class)
class ClientRulesTest {

    private final OpenSearchClient opensearch;
    private final Tasks t;

    ClientRulesTest(OpenSearchClient opensearch) {
        this.opensearch = opensearch;
        t = new Tasks(opensearch);
    }

    @Test
    void paramsThatDoNotBindAreRejectedWithTheFieldNamedAndNothingIsWritten() {
        assertInvalid("steps", "expected an integer", Map.of("steps", "three"));
        assertInvalid("colour", "unknown field; known fields: range, steps, tags", Map.of("colour", "red"));
        assertInvalid("range.end", "required: expected an integer", Map.of("range", Map.of("start", 1)));
        assertInvalid("tags[1]", "expected a string", Map.of("tags", List.of("a", List.of("b"))));
        assertInvalid("steps", "must be 0 or more, got -1", Map.of("steps", -1));
        // No silent conversions.
        assertInvalid("tags[0]", "", Map.of("tags", List.of(1)));
        assertInvalid("steps", "", Map.of("steps", "3"));
        assertInvalid("steps", "", Map.of("steps", true));
        assertTrue(t.store.get("default", "sample_logs.app").isEmpty());
    }

    @Test
    void anUnknownTypeIsRejectedNamingTheInstalledOnes() {
        UnknownTaskTypeException e = assertThrows(UnknownTaskTypeException.class,
            () -> t.client.schedule(ScheduleRequest.of("nope").stream("logs").build(), OPS));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[sample]"), e.getMessage());
        assertEquals(400, e.statusCode());
        assertTrue(t.store.get("default", "nope_logs").isEmpty());
    }

    @Test
    void badIdsAndStreamNamesAreRejected() {
        for (String stream : List.of("../etc", "Logs", "logs/x", "a..b", "-x", "")) {
            InvalidParamsException e = assertThrows(InvalidParamsException.class,
                () -> t.client.schedule(ScheduleRequest.of("sample").stream(stream).build(), OPS), stream);
            assertEquals("stream", e.field());
        }
        assertEquals("id", assertThrows(InvalidParamsException.class,
            () -> t.client.schedule(ScheduleRequest.of("sample").id("a b").build(), ADMIN)).field());
        assertEquals("id", assertThrows(InvalidParamsException.class, () -> t.client.get("x/../y", OPS)).field());
    }

    @Test
    void aViewerReadsButMayNotManage() {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").build(), OPS);
        assertEquals(ReportedStatus.IN_PROGRESS, t.client.status("sample_logs.app", VIEWER).status());
        assertThrows(ForbiddenException.class,
            () -> t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").build(), VIEWER));
        assertThrows(ForbiddenException.class, () -> t.client.cancel("sample_logs.app", VIEWER));
        assertEquals(TaskStatus.IN_PROGRESS, t.client.get("sample_logs.app", OPS).status());
    }

    @Test
    void tasksBeyondTheCallersPrivilegesLookAbsent() {
        t.client.schedule(ScheduleRequest.of("sample").stream("metrics").build(), ADMIN);
        t.client.schedule(ScheduleRequest.of("sample").id("no-stream").build(), ADMIN);
        for (String id : List.of("sample_metrics", "no-stream")) {
            assertEquals(TaskStatus.NOT_STARTED, t.client.get(id, OPS).status());
            assertEquals(ReportedStatus.NOT_STARTED, t.client.status(id, VIEWER).status());
            // Cancel and acknowledge of a task the caller cannot see answer as for a task that does not exist: 404.
            assertThrows(TaskNotFoundException.class, () -> t.client.cancel(id, OPS));
            assertThrows(TaskNotFoundException.class, () -> t.client.acknowledge(id, OPS));
            assertFalse(t.client.delete(id, OPS));
        }
        assertEquals(TaskStatus.IN_PROGRESS, t.client.get("sample_metrics", ADMIN).status());
        assertThrows(ForbiddenException.class,
            () -> t.client.schedule(ScheduleRequest.of("sample").id("mine").build(), OPS));
    }

    @Test
    void anExplicitIdNamingATaskOfAStreamTheCallerMayNotManageIsRefusedAndTheTaskKept() {
        // The create-first path finds the task exists; the read that follows must still check the other stream.
        t.client.schedule(ScheduleRequest.of("sample").id("shared").stream("metrics").params(Map.of("steps", 2)).build(), ADMIN);
        assertThrows(ForbiddenException.class,
            () -> t.client.schedule(ScheduleRequest.of("sample").id("shared").stream("logs.a").build(), OPS));
        assertEquals("metrics", t.client.get("shared", ADMIN).stream());
        assertEquals(2, t.client.get("shared", ADMIN).params().get("steps"));
        // A new explicit id in a stream the caller manages is created at once.
        assertTrue(t.client.schedule(ScheduleRequest.of("sample").id("fresh").stream("logs.a").build(), OPS).started());
        assertEquals(TaskStatus.IN_PROGRESS, t.client.get("fresh", OPS).status());
    }

    @Test
    void anotherSpaceIsAnotherWorld() {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").params(Map.of("steps", 1)).build(), OPS);
        assertEquals(TaskStatus.NOT_STARTED, t.client.get("sample_logs.app", OTHER_SPACE).status());
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").params(Map.of("steps", 2)).build(), OTHER_SPACE);
        assertEquals(1, t.client.get("sample_logs.app", OPS).params().get("steps"));
        assertEquals(2, t.client.get("sample_logs.app", OTHER_SPACE).params().get("steps"));
    }

    @Test
    void listsShowOnlyReadableTasksOfTheCallersSpaceAsStatusViews() throws IOException {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.a").build(), OPS);
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.b").build(), OPS);
        t.client.schedule(ScheduleRequest.of("sample").stream("metrics").build(), ADMIN);
        t.client.schedule(ScheduleRequest.of("sample").id("no-stream").build(), ADMIN);
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.c").build(), OTHER_SPACE);
        opensearch.indices().refresh(r -> r.index(t.store.index()));

        assertEquals(List.of("sample_logs.a", "sample_logs.b"), ids(t.client.list(TaskFilter.all(), PageRequest.first(10), VIEWER)));
        assertEquals(4, t.client.list(TaskFilter.all(), PageRequest.first(10), ADMIN).total());
        assertEquals(List.of("sample_logs.b"),
            ids(t.client.list(TaskFilter.all().withStream("logs.b"), PageRequest.first(10), VIEWER)));
        assertEquals(List.of("sample_logs.c"), ids(t.client.list(TaskFilter.all(), PageRequest.first(10), OTHER_SPACE)));
        t.goStale();
        TaskPage stale = t.client.list(TaskFilter.all().withStream("logs.a"), PageRequest.first(10), VIEWER);
        assertEquals(ReportedStatus.STALE, stale.tasks().get(0).status());
    }

    @Test
    void aListingFilteredByWhatIsNotAStreamNameIsRefusedNotAnsweredEmpty() {
        for (String notAStream : List.of("a:b", "a,b", "-x", "LOGS", "logs*", "..")) {
            InvalidParamsException refused = assertThrows(InvalidParamsException.class,
                () -> t.client.list(TaskFilter.all().withStream(notAStream), PageRequest.first(10), ADMIN), notAStream);
            assertTrue(refused.getMessage().contains("'" + notAStream + "'"), refused.getMessage());
        }
    }

    @Test
    void theStatusViewShowsPayloadErrorAndProgressOnlyWhereTheyBelong() {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").build(), OPS);
        RunId run = RunId.of(t.runs.claim("default", "sample_logs.app", "node-a").document());
        t.runs.heartbeat("default", "sample_logs.app", run, Map.of("done", 1));
        TaskStatusView running = t.client.status("sample_logs.app", OPS);
        assertEquals(Map.of("done", 1), running.progress());
        assertEquals(null, running.payload());
        t.runs.complete("default", "sample_logs.app", run, Map.of("answer", 42));
        TaskStatusView done = t.client.status("sample_logs.app", OPS);
        assertEquals(Map.of("answer", 42), done.payload());
        assertEquals(null, done.progress());
        assertEquals("olga", done.owner());
    }

    @Test
    void deleteRefusesLiveTasksAndRemovesFinishedOnes() {
        t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").build(), OPS);
        assertThrows(TaskConflictException.class, () -> t.client.delete("sample_logs.app", OPS));
        t.goStale();
        assertTrue(t.client.delete("sample_logs.app", OPS));
        assertEquals(TaskStatus.NOT_STARTED, t.client.get("sample_logs.app", OPS).status());
    }

    @Test
    void aTaskWhoseKeyCouldNotBeStoredIsNotWrittenAndTheCallerHearsWhy() {
        // No run starts here (this client has no runner), so the task is written only once its key is stored; the
        // undo of a task written beside its key is in TaskRunnerTest.
        PendingKeys keys = new PendingKeys(CompletableFuture.failedFuture(
            new StoreUnavailableException("the API key index refused the write: read-only", null)));
        t.client.bindApiKeys(keys);
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
            () -> t.client.schedule(ScheduleRequest.of("sample").id("report-1").stream("logs.app").build(), OPS));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        assertTrue(t.store.get("default", "report-1").isEmpty(), "nothing was written");
        // A stream's own task (usually scheduled again over its last run, which cannot be undone).
        e = assertThrows(StoreUnavailableException.class,
            () -> t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").build(), OPS));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        assertTrue(t.store.get("default", "sample_logs.app").isEmpty(), "nothing was written");
        assertEquals(List.of("key-of-report-1", "key-of-sample_logs.app"), keys.revoked);
    }

    private void assertInvalid(String field, String message, Map<String, Object> params) {
        InvalidParamsException e = assertThrows(InvalidParamsException.class,
            () -> t.client.schedule(ScheduleRequest.of("sample").stream("logs.app").params(params).build(), OPS));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(400, e.statusCode());
    }

    private static List<String> ids(TaskPage page) {
        return page.tasks().stream().map(TaskStatusView::id).toList();
    }
}

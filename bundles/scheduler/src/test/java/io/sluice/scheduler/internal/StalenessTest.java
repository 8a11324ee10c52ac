package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.OPS;
import static io.sluice.scheduler.internal.Tasks.STALE_AFTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.task.ReportedStatus;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskStatusView;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/** Staleness is measured from the last heartbeat (or from queueing), with a clock the test moves: no sleeps. */
@ExtendWith(OpenSearchExtension.class)
class StalenessTest {

    private static final String ID = "sample_logs.app";
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final Tasks t;

    StalenessTest(OpenSearchClient opensearch) {
        t = new Tasks(opensearch);
    }

    @Test
    void aClaimedTaskWhoseHeartbeatStopsTurnsStaleAfterStaleAfterAndNoEarlier() {
        RunId run = claim();
        t.runs.heartbeat("default", ID, run, null);
        java.time.Instant beatAt = t.clock.instant();

        t.clock.advance(STALE_AFTER);
        assertEquals(ReportedStatus.IN_PROGRESS, status().status(), "exactly staleAfter since the heartbeat is not stale yet");
        t.clock.advance(Duration.ofMillis(1));
        TaskStatusView stale = status();
        assertEquals(ReportedStatus.STALE, stale.status());
        // The reason names the last heartbeat, not the time since: reading it again gives the same answer (and ETag).
        assertTrue(stale.staleReason().contains("node-a has sent no heartbeat since " + beatAt), stale.staleReason());
        t.clock.advance(Duration.ofSeconds(5));
        assertEquals(stale.staleReason(), status().staleReason());
        assertEquals(stale.etag(), status().etag());
    }

    @Test
    void aLongRunThatKeepsBeatingIsNeverStale() {
        RunId run = claim();
        Duration ran = Duration.ZERO;
        while (ran.compareTo(STALE_AFTER.multipliedBy(3)) <= 0) {
            t.clock.advance(HEARTBEAT);
            ran = ran.plus(HEARTBEAT);
            assertEquals(ReportedStatus.IN_PROGRESS, status().status(), "stale after running " + ran);
            t.runs.heartbeat("default", ID, run, Map.of("ran_seconds", ran.toSeconds()));
        }
        TaskStatusView view = status();
        assertEquals(ReportedStatus.IN_PROGRESS, view.status());
        assertNull(view.staleReason());
        assertEquals(Map.of("ran_seconds", (int) ran.toSeconds()), view.progress());
    }

    @Test
    void aQueuedTaskNoNodeClaimsTurnsStaleWithTheTypeNamedInTheReason() {
        t.client.schedule(request(), OPS);
        t.clock.advance(STALE_AFTER);
        assertEquals(ReportedStatus.IN_PROGRESS, status().status());
        t.clock.advance(Duration.ofMillis(1));
        TaskStatusView stale = status();
        assertEquals(ReportedStatus.STALE, stale.status());
        assertTrue(stale.staleReason().contains("no node has claimed it") && stale.staleReason().contains("'sample'"),
            stale.staleReason());
    }

    @Test
    void aRetryWaitingForItsBackoffIsMeasuredFromWhenItIsDue() {
        RunId run = claim();
        t.runs.fail("default", ID, run, new io.sluice.task.TaskError("x", "y"),
            io.sluice.task.AttemptRecord.Outcome.FAILED, true, 3, t.clock.instant().plus(Duration.ofMinutes(2)));
        t.clock.advance(Duration.ofMinutes(2).plus(STALE_AFTER));
        assertEquals(ReportedStatus.IN_PROGRESS, status().status());
        t.clock.advance(Duration.ofMillis(1));
        assertEquals(ReportedStatus.STALE, status().status());
    }

    @Test
    void aCancellationNobodyFinishesTurnsStale() {
        claim();
        t.client.cancel(ID, OPS);
        t.clock.advance(STALE_AFTER.plusMillis(1));
        TaskStatusView view = status();
        assertEquals(ReportedStatus.STALE, view.status());
        assertEquals(io.sluice.task.TaskStatus.BEING_CANCELED, view.storedStatus());
    }

    @Test
    void finishedTasksAreNeverStale() {
        RunId run = claim();
        t.runs.complete("default", ID, run, Map.of());
        t.clock.advance(Duration.ofDays(30));
        assertEquals(ReportedStatus.COMPLETED, status().status());
    }

    private RunId claim() {
        t.client.schedule(request(), OPS);
        return RunId.of(t.runs.claim("default", ID, "node-a").document());
    }

    private TaskStatusView status() {
        return t.client.status(ID, OPS);
    }

    private static ScheduleRequest request() {
        return ScheduleRequest.of("sample").stream("logs.app").build();
    }
}

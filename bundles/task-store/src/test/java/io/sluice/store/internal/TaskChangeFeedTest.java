package io.sluice.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.store.DocVersion;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskChanges;
import io.sluice.store.TaskRecord;
import io.sluice.task.TaskDocument;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the node may answer from memory, and when it must ask OpenSearch again: on a clock the test moves. */
class TaskChangeFeedTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TaskChangeFeed feed = new TaskChangeFeed(100, Duration.ofSeconds(3), Duration.ofSeconds(30), now::get);

    @Test
    void aTaskThisNodeWroteIsAnsweredUntilNoSweepVouchesForItAnyMore() {
        feed.seen("default:a", task("a", 5));
        assertEquals(5, version(feed.recent("default:a")));
        advance(Duration.ofMillis(2_900));
        assertEquals(5, version(feed.recent("default:a")));
        advance(Duration.ofMillis(200));
        assertTrue(feed.recent("default:a").isEmpty(), "no sweep ran: another node may have written since");

        feed.currentUpTo(now.get());
        assertEquals(5, version(feed.recent("default:a")), "a sweep vouches for everything up to its start");
    }

    @Test
    void anEntryIsReadAgainAfterItsMaximumAgeEvenWithSweeps() {
        feed.seen("default:a", task("a", 5));
        for (int i = 0; i < 31; i++) {
            advance(Duration.ofSeconds(1));
            feed.currentUpTo(now.get());
        }
        assertTrue(feed.recent("default:a").isEmpty(), "a deletion elsewhere must not go unnoticed forever");
    }

    @Test
    void anOlderVersionNeverReplacesANewerOne() {
        feed.seen("default:a", task("a", 7));
        feed.seen("default:a", task("a", 6));
        assertEquals(7, version(feed.recent("default:a")));
    }

    @Test
    void aChangeByAnotherNodeForgetsTheEntryAndWakesItsWatchers() {
        AtomicInteger woken = new AtomicInteger();
        feed.seen("default:a", task("a", 5));
        TaskChanges.Registration watch = feed.watch("default:a", woken::incrementAndGet);

        feed.changedElsewhere("default:a", new DocVersion(5, 1));
        assertEquals(0, woken.get(), "the sweep saw this node's own write: nothing changed");
        assertEquals(5, version(feed.recent("default:a")));

        feed.changedElsewhere("default:a", new DocVersion(6, 1));
        assertEquals(1, woken.get());
        assertTrue(feed.recent("default:a").isEmpty(), "the newer version must be read from OpenSearch");

        watch.close();
        feed.changedElsewhere("default:a", new DocVersion(7, 1));
        assertEquals(1, woken.get(), "a closed watch is not woken");
    }

    @Test
    void aTaskKnownAbsentIsAnsweredAsAbsentUntilCreated() {
        AtomicInteger woken = new AtomicInteger();
        feed.watch("default:b", woken::incrementAndGet);
        feed.read("default:b", null, now.get());
        assertEquals(Optional.empty(), feed.recent("default:b").orElseThrow().task());
        feed.seen("default:b", task("b", 1));
        assertEquals(2, woken.get(), "known absent, then created: each is a change");
        assertEquals(1, version(feed.recent("default:b")));
    }

    @Test
    void aReadThatStartedBeforeADeletionDoesNotBringTheTaskBack() {
        feed.seen("default:c", task("c", 4));
        long readStarted = now.get();
        advance(Duration.ofMillis(5));
        feed.gone("default:c", new DocVersion(5, 1)); // this node deletes while the read is under way
        advance(Duration.ofMillis(5));
        feed.read("default:c", task("c", 4), readStarted); // the read answers with what it found before
        assertEquals(Optional.empty(), feed.recent("default:c").orElseThrow().task(), "the deletion is newer");
    }

    @Test
    void aReadThatFoundNothingDoesNotHideATaskCreatedMeanwhile() {
        long readStarted = now.get();
        advance(Duration.ofMillis(5));
        feed.seen("default:d", task("d", 1)); // created by this node while the read was under way
        feed.read("default:d", null, readStarted);
        assertEquals(1, version(feed.recent("default:d")));
    }

    @Test
    void anOldCopyReadLaterDoesNotReplaceANewerWrite() {
        feed.seen("default:e", task("e", 9));
        advance(Duration.ofMillis(5));
        feed.read("default:e", task("e", 8), now.get());
        assertEquals(9, version(feed.recent("default:e")));
    }

    @Test
    void clearingForgetsEverythingAndWakesWatchers() {
        AtomicInteger woken = new AtomicInteger();
        feed.seen("default:f", task("f", 3));
        feed.watch("default:f", woken::incrementAndGet);
        feed.clear();
        assertTrue(feed.recent("default:f").isEmpty());
        assertEquals(1, woken.get());
    }

    @Test
    void shrinkingTheBoundDropsEntries() {
        for (int i = 0; i < 50; i++) {
            feed.seen("default:g" + i, task("g" + i, 1));
            advance(Duration.ofMillis(1));
        }
        feed.reconfigure(10, Duration.ofSeconds(3), Duration.ofSeconds(30));
        feed.seen("default:last", task("last", 1));
        assertTrue(feed.size() <= 10, "a smaller bound applies at once; size " + feed.size());
        assertEquals(1, version(feed.recent("default:last")), "the newest entry stays");
    }

    @Test
    void theFeedKeepsToItsSizeDroppingTheOldestUnwatchedEntries() {
        feed.watch("default:t0", () -> { });
        for (int i = 0; i < 150; i++) {
            feed.seen("default:t" + i, task("t" + i, 1));
            advance(Duration.ofMillis(1));
        }
        assertTrue(feed.size() <= 100, "size " + feed.size());
        assertTrue(feed.recent("default:t0").isPresent(), "a watched entry stays");
        assertTrue(feed.recent("default:t149").isPresent(), "the newest entry stays");
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    private static long version(Optional<TaskChanges.Known> known) {
        return known.orElseThrow().task().orElseThrow().version().seqNo();
    }

    private static StoredTask task(String id, long seqNo) {
        TaskDocument doc = TaskDocument.notStarted(id);
        TaskDocument stored = new TaskDocument(id, "t", io.sluice.task.TaskStatus.IN_PROGRESS, null, "default", "o", null,
            null, null, null, 1, null, null, null, null, doc.params(), null, null, null, null);
        return new StoredTask(TaskRecord.of(stored), new DocVersion(seqNo, 1));
    }
}

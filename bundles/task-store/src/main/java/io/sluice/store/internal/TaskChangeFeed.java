package io.sluice.store.internal;

import io.sluice.store.DocVersion;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskChanges;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.LongSupplier;

/**
 * The memory behind {@link TaskChanges}: the latest version of recently seen tasks (or that they do not exist), and
 * who watches them. The store tells it of every write and read it makes ({@link #seen}, {@link #gone}); the sweep
 * tells it which documents other nodes changed ({@link #changedElsewhere}) and up to when it knows of every change
 * ({@link #currentUpTo}).
 *
 * <p>An entry answers a read only while both hold: the node knows of every change up to a moment less than
 * {@code freshness} ago (its own load of the entry, or the last complete sweep), and the entry is younger than
 * {@code maxAge}, which bounds how long a deletion made elsewhere (which no sweep sees) can go unnoticed.
 */
final class TaskChangeFeed {

    private record Entry(StoredTask task, long loadedAt) {
        boolean newerThan(DocVersion version) {
            return task != null && compare(task.version(), version) > 0;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long freshnessNanos;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private volatile long currentUpTo = Long.MIN_VALUE;

    TaskChangeFeed(int maxEntries, Duration freshness, Duration maxAge, LongSupplier nanoTime) {
        this.maxEntries = maxEntries;
        this.freshnessNanos = freshness.toNanos();
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** This node wrote or read the task: remember it, unless a newer version is known already. */
    void seen(String key, StoredTask task) {
        long now = nanoTime.getAsLong();
        Entry[] replaced = new Entry[1];
        entries.compute(key, (k, old) -> {
            if (old != null && old.newerThan(task.version())) {
                return old;
            }
            replaced[0] = old;
            return new Entry(task, now);
        });
        bound();
        if (replaced[0] == null || replaced[0].task() == null || !replaced[0].task().version().equals(task.version())) {
            notifyWatchers(key);
        }
    }

    /** This node deleted the task, or read that it does not exist. */
    void gone(String key) {
        Entry old = entries.put(key, new Entry(null, nanoTime.getAsLong()));
        bound();
        if (old == null || old.task() != null) {
            notifyWatchers(key);
        }
    }

    /** The sweep found a version written by someone: forget an older entry, and tell the watchers. */
    void changedElsewhere(String key, DocVersion version) {
        Entry entry = entries.get(key);
        if (entry != null && entry.newerThan(version)) {
            return;
        }
        if (entry != null && entry.task() != null && entry.task().version().equals(version)) {
            return; // this node's own write
        }
        entries.remove(key, entry);
        notifyWatchers(key);
    }

    /** Every change made before {@code nanos} (on the node's clock) is known. */
    void currentUpTo(long nanos) {
        currentUpTo = nanos;
    }

    Optional<TaskChanges.Known> recent(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        long knownUpTo = Math.max(entry.loadedAt(), currentUpTo);
        if (now - knownUpTo > freshnessNanos || now - entry.loadedAt() > maxAgeNanos) {
            return Optional.empty();
        }
        return Optional.of(new TaskChanges.Known(Optional.ofNullable(entry.task())));
    }

    TaskChanges.Registration watch(String key, Runnable onChange) {
        watchers.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(onChange);
        return () -> watchers.computeIfPresent(key, (k, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    int size() {
        return entries.size();
    }

    int watched() {
        return watchers.size();
    }

    private void notifyWatchers(String key) {
        Set<Runnable> set = watchers.get(key);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }

    /** Keeps the map within bounds: drops the oldest tenth when it is full (unwatched entries first). */
    private void bound() {
        if (entries.size() <= maxEntries) {
            return;
        }
        int drop = Math.max(1, maxEntries / 10);
        long cutoff = entries.values().stream().mapToLong(Entry::loadedAt).sorted().skip(drop - 1L).findFirst().orElse(Long.MAX_VALUE);
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext() && drop > 0; ) {
            Map.Entry<String, Entry> e = it.next();
            if (e.getValue().loadedAt() <= cutoff && !watchers.containsKey(e.getKey())) {
                it.remove();
                drop--;
            }
        }
    }

    private static int compare(DocVersion a, DocVersion b) {
        int term = Long.compare(a.primaryTerm(), b.primaryTerm());
        return term != 0 ? term : Long.compare(a.seqNo(), b.seqNo());
    }
}

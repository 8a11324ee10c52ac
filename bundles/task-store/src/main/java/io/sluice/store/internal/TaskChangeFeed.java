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

    /**
     * What the node knows of one task: its latest document, or that it is gone ({@code task == null}). {@code version}
     * is the version of that fact when the node has one (a write, a read, a delete); a read that found nothing has
     * none.
     */
    private record Entry(StoredTask task, DocVersion version, long loadedAt) {
        boolean newerThan(DocVersion other) {
            return version != null && other != null && compare(version, other) > 0;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();
    private final Map<String, Set<Runnable>> spaceWatchers = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private volatile int maxEntries;
    private volatile long freshnessNanos;
    private volatile long maxAgeNanos;
    private volatile long currentUpTo = Long.MIN_VALUE;

    TaskChangeFeed(int maxEntries, Duration freshness, Duration maxAge, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        reconfigure(maxEntries, freshness, maxAge);
    }

    /** New bounds, applied from the next read on (settings changed through ConfigAdmin). */
    void reconfigure(int maxEntries, Duration freshness, Duration maxAge) {
        this.maxEntries = maxEntries;
        this.freshnessNanos = freshness.toNanos();
        this.maxAgeNanos = maxAge.toNanos();
        bound();
    }

    /** This node wrote the task: remember it, unless a newer version (or a newer deletion) is known already. */
    void seen(String key, StoredTask task) {
        remember(key, new Entry(task, task.version(), nanoTime.getAsLong()), Long.MIN_VALUE);
    }

    /** This node deleted the task; {@code version} is the deletion's own. */
    void gone(String key, DocVersion version) {
        remember(key, new Entry(null, version, nanoTime.getAsLong()), Long.MIN_VALUE);
    }

    /**
     * This node read the task ({@code task}, or {@code null} when it was not found) in a read that began at
     * {@code readStarted}. Whatever the node learnt while the read was under way is at least as new, and wins.
     */
    void read(String key, StoredTask task, long readStarted) {
        remember(key, new Entry(task, task == null ? null : task.version(), nanoTime.getAsLong()), readStarted);
    }

    /** Forgets everything (the index was made again: versions start over). Watchers are told, so they read again. */
    void clear() {
        entries.clear();
        watchers.keySet().forEach(this::notifyWatchers);
        spaceWatchers.values().forEach(set -> set.forEach(Runnable::run));
    }

    private void remember(String key, Entry fresh, long readStarted) {
        Entry[] replaced = {null};
        boolean[] kept = {false};
        entries.compute(key, (k, old) -> {
            if (old != null && (old.loadedAt() >= readStarted && readStarted != Long.MIN_VALUE
                    || old.newerThan(fresh.version()))) {
                kept[0] = true;
                return old;
            }
            replaced[0] = old;
            return fresh;
        });
        bound();
        if (!kept[0] && changed(replaced[0], fresh)) {
            notifyWatchers(key);
        }
    }

    private static boolean changed(Entry old, Entry fresh) {
        if (old == null || old.task() == null || fresh.task() == null) {
            return old == null || (old.task() == null) != (fresh.task() == null);
        }
        return !old.task().version().equals(fresh.task().version());
    }

    /** The sweep found a version written by someone: forget an older entry, and tell the watchers. */
    void changedElsewhere(String key, DocVersion version) {
        Entry entry = entries.get(key);
        if (entry != null && (entry.newerThan(version) || version.equals(entry.version()))) {
            return; // known already: this node's own write, or something newer
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

    /** Watches every task of a space (keys {@code <space>:<id>}). */
    TaskChanges.Registration watchSpace(String space, Runnable onChange) {
        spaceWatchers.computeIfAbsent(space, k -> new CopyOnWriteArraySet<>()).add(onChange);
        return () -> spaceWatchers.computeIfPresent(space, (k, set) -> {
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
        int colon = key.indexOf(':');
        Set<Runnable> space = colon < 0 ? null : spaceWatchers.get(key.substring(0, colon));
        if (space != null) {
            space.forEach(Runnable::run);
        }
    }

    /** Keeps the map within bounds: when it is full, drops the oldest unwatched entries down to nine tenths. */
    private void bound() {
        if (entries.size() <= maxEntries) {
            return;
        }
        int drop = entries.size() - maxEntries + Math.max(1, maxEntries / 10);
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

package io.sluice.scheduler.internal;

import io.sluice.store.NodeLease;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Which other nodes are gone, judged by their leases as this node observes them. A node is gone when its lease has
 * not been renewed (its renewal count unchanged, or its lease absent) for {@code lapseAfter} by this node's own
 * monotonic clock: the clocks of different nodes never need to agree, and a node first seen is given the whole lapse
 * time from that moment, so a node that just started never judges others on what it has not watched.
 */
final class NodeLiveness {

    /** The last renewal this node saw of another node, and when (by {@link #nanos}). */
    private record Seen(long renewals, long changedAt) {
    }

    private final LongSupplier nanos;
    private final Map<String, Seen> seen = new HashMap<>();

    NodeLiveness(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * Takes in the leases as read now and answers the nodes whose lease lapsed; never {@code self}.
     *
     * @param leases every lease in the store
     * @param self this node, which judges itself by other means
     * @param lapseAfter how long without a renewal makes a node gone
     */
    synchronized Set<String> lapsed(List<NodeLease> leases, String self, Duration lapseAfter) {
        long now = nanos.getAsLong();
        Set<String> present = new HashSet<>();
        for (NodeLease lease : leases) {
            present.add(lease.node());
            Seen before = seen.get(lease.node());
            if (before == null || before.renewals() != lease.renewals()) {
                seen.put(lease.node(), new Seen(lease.renewals(), now));
            }
        }
        Set<String> lapsed = new HashSet<>();
        long limit = lapseAfter.toNanos();
        seen.entrySet().removeIf(entry -> {
            String node = entry.getKey();
            long quiet = now - entry.getValue().changedAt();
            if (!present.contains(node) && quiet > 10 * limit) {
                // A lease removed long ago (a node that stopped): forget it, so the map does not grow forever.
                return true;
            }
            // A removed lease lapses like a silent one: a read that misses the index must not declare every node gone.
            if (!node.equals(self) && quiet > limit) {
                lapsed.add(node);
            }
            return false;
        });
        return lapsed;
    }
}

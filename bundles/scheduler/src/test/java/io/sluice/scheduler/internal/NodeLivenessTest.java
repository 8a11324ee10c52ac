package io.sluice.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.store.NodeLease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Liveness from leases as one node observes them, on its own clock (moved by hand here). */
class NodeLivenessTest {

    private static final Duration LAPSE = Duration.ofSeconds(6);
    // The writer's clock is deliberately far off: only the observer's clock counts.
    private static final Instant SKEWED = Instant.parse("2001-01-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong();
    private final NodeLiveness liveness = new NodeLiveness(nanos::get);

    private Set<String> after(long seconds, NodeLease... leases) {
        nanos.addAndGet(Duration.ofSeconds(seconds).toNanos());
        return liveness.lapsed(List.of(leases), "self", LAPSE);
    }

    private static NodeLease lease(String node, long renewals) {
        return new NodeLease(node, SKEWED, renewals);
    }

    @Test
    void aNodeThatKeepsRenewingNeverLapses() {
        for (int i = 0; i < 10; i++) {
            assertEquals(Set.of(), after(5, lease("a", i)));
        }
    }

    @Test
    void aNodeLapsesOnceItsLeaseIsUnchangedForTheLapseTime() {
        assertEquals(Set.of(), after(0, lease("a", 1)));
        assertEquals(Set.of(), after(6, lease("a", 1)), "exactly the lapse time is not past it");
        assertEquals(Set.of("a"), after(1, lease("a", 1)));
        assertEquals(Set.of(), after(1, lease("a", 2)), "a renewal brings it back");
    }

    @Test
    void aNodeFirstSeenIsGivenTheWholeLapseTimeFromThen() {
        // Seen for the first time with an old lease: the observer has not watched it go quiet.
        assertEquals(Set.of(), after(100, lease("a", 7)));
        assertEquals(Set.of(), after(5, lease("a", 7)));
        assertEquals(Set.of("a"), after(2, lease("a", 7)));
    }

    @Test
    void aMissingLeaseLapsesLikeASilentOneNotAtOnce() {
        assertEquals(Set.of(), after(0, lease("a", 1)));
        // A read that finds no lease (the index recreated, say) does not declare the node gone.
        assertEquals(Set.of(), after(1));
        assertEquals(Set.of(), after(1, lease("a", 1)));
        assertEquals(Set.of("a"), after(6));
    }

    @Test
    void theObserverNeverJudgesItself() {
        assertEquals(Set.of(), after(0, lease("self", 1), lease("a", 1)));
        assertEquals(Set.of("a"), after(60, lease("self", 1), lease("a", 1)));
    }
}

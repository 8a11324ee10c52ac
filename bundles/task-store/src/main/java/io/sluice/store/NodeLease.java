package io.sluice.store;

import java.time.Instant;

/**
 * A node's lease as last renewed: the sign of life other nodes judge it by. A reader decides that a node is gone when
 * {@code renewals} has not changed for the lapse time by the reader's own clock, so clocks of different nodes need not
 * agree; {@code renewedAt} is the writer's clock, for people reading it.
 *
 * @param node the node id
 * @param renewedAt when the node last renewed it, by its own clock
 * @param renewals a number that changes at every renewal
 * @since 1.2
 */
public record NodeLease(String node, Instant renewedAt, long renewals) {
}

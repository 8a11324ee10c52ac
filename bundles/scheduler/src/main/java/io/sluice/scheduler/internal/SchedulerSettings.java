package io.sluice.scheduler.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.osgi.framework.BundleContext;

/**
 * The scheduler's settings as values, checked once. Stale-after must leave room for heartbeats: a node beating every
 * {@code heartbeatInterval} must not be taken for dead between two beats.
 *
 * @param nodeId this node's id
 * @param capacity runs at once
 * @param staleAfter silence after which a run's node is taken for dead
 * @param heartbeatInterval how often a running task's node writes a heartbeat
 * @param pollInterval how often to look for queued tasks
 * @param cancelGrace how long a cancelled run may take to stop
 * @param retryBackoff the first retry's wait
 * @param retryBackoffMax the longest retry wait
 * @param cleanupAfter idle time after which finished tasks are deleted
 * @param maxPayloadBytes the largest result stored
 * @param leaseRenewal how often this node renews its lease
 * @param leaseLapse how long a node's lease goes unrenewed before other nodes take its tasks over
 */
record SchedulerSettings(String nodeId, int capacity, Duration staleAfter, Duration heartbeatInterval,
                         Duration pollInterval, Duration cancelGrace, Duration retryBackoff, Duration retryBackoffMax,
                         Duration cleanupAfter, long maxPayloadBytes, Duration leaseRenewal, Duration leaseLapse) {

    SchedulerSettings {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (staleAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("staleAfterSeconds (" + staleAfter.toSeconds() + ") must be at least twice "
                + "heartbeatIntervalSeconds (" + heartbeatInterval.toSeconds() + "), or live runs would look dead");
        }
        if (leaseLapse.compareTo(leaseRenewal.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("leaseLapseSeconds (" + leaseLapse.toSeconds() + ") must be at least twice "
                + "leaseRenewalSeconds (" + leaseRenewal.toSeconds() + "), or live nodes would look gone");
        }
    }

    /** The same settings under another node id. */
    SchedulerSettings withNodeId(String id) {
        return new SchedulerSettings(id, capacity, staleAfter, heartbeatInterval, pollInterval, cancelGrace, retryBackoff,
            retryBackoffMax, cleanupAfter, maxPayloadBytes, leaseRenewal, leaseLapse);
    }

    static SchedulerSettings from(SchedulerConfig config, BundleContext context) {
        String nodeId = config.nodeId().isBlank() ? defaultNodeId(context) : config.nodeId().trim();
        return new SchedulerSettings(nodeId, config.capacity(), Duration.ofSeconds(config.staleAfterSeconds()),
            Duration.ofSeconds(config.heartbeatIntervalSeconds()), Duration.ofMillis(config.pollIntervalMillis()),
            Duration.ofSeconds(config.cancelGraceSeconds()), Duration.ofMillis(config.retryBackoffMillis()),
            Duration.ofSeconds(config.retryBackoffMaxSeconds()), Duration.ofDays(config.cleanupAfterDays()),
            config.maxPayloadBytes(), Duration.ofSeconds(config.leaseRenewalSeconds()),
            Duration.ofSeconds(config.leaseLapseSeconds()));
    }

    /** {@code <host name>-<karaf.name>}: distinct for nodes on distinct hosts, or with distinct Karaf names. */
    static String defaultNodeId(BundleContext context) {
        String karafName = Optional.ofNullable(context.getProperty("karaf.name")).orElse("sluice");
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + karafName;
        } catch (UnknownHostException e) {
            return karafName;
        }
    }
}

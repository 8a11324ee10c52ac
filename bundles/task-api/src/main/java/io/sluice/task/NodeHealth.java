package io.sluice.task;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Health figures of a node.
 *
 * @param nodeId this node
 * @param storeStatus the task store: {@code green}, {@code yellow}, {@code red} or {@code unavailable}
 * @param storeMessage why the store is not usable, or {@code null}
 * @param capacity how many runs this node may hold at once
 * @param running how many it holds now
 * @param queuedByType tasks waiting for a node, by type
 * @param scheduleToStartP50Millis median delay from schedule to start over the last minutes, or -1 if none started
 * @param scheduleToStartP99Millis 99th percentile of that delay, or -1
 * @param claimConflicts claims lost to another node since start (normal when several nodes share work)
 * @param staleTasks tasks reported {@code stale} now
 * @param liveNodes the other nodes seen beating recently
 * @param checkedAt when these figures were taken
 */
public record NodeHealth(
    String nodeId,
    String storeStatus,
    String storeMessage,
    int capacity,
    int running,
    Map<String, Long> queuedByType,
    long scheduleToStartP50Millis,
    long scheduleToStartP99Millis,
    long claimConflicts,
    long staleTasks,
    List<String> liveNodes,
    Instant checkedAt) {

    /** Copies the collections. */
    public NodeHealth {
        queuedByType = Map.copyOf(queuedByType);
        liveNodes = List.copyOf(liveNodes);
    }

    /** Whether the store answers and holds all primary shards ({@code green} or {@code yellow}). */
    public boolean storeAvailable() {
        return "green".equals(storeStatus) || "yellow".equals(storeStatus);
    }
}

package io.sluice.task;

import java.time.Duration;

/**
 * An installed task type.
 *
 * @param type the type id
 * @param description its one-line description
 * @param bundle the symbolic name of the bundle that provides it
 * @param bundleId that bundle's id
 * @param paramsType the name of its params class
 * @param timeout its per-attempt timeout
 * @param maxAttempts its attempt limit
 */
public record TaskTypeInfo(String type, String description, String bundle, long bundleId, String paramsType,
                           Duration timeout, int maxAttempts) {
}

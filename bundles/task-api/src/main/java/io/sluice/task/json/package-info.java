/**
 * The JSON form of Sluice's own types: {@code snake_case} names, ISO-8601 instants, statuses by their wire names.
 *
 * <p>Not exported: each bundle that writes Sluice's JSON (store, REST, console) carries its own private copy of this
 * package (bnd {@code -conditionalpackage} in the parent POM), so the mapping stays in one source file without
 * becoming an API that plugins could come to depend on.
 */
package io.sluice.task.json;

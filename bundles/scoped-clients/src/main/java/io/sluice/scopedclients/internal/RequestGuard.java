package io.sluice.scopedclients.internal;

import io.sluice.auth.Privilege;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Decides whether a scoped client may send a request, from its method and path alone: the indices it names and what it
 * does to them. Conservative by design: requests that do not name their indices in the path ({@code _search} across
 * all indices, {@code _bulk}, {@code _mget}, {@code _msearch}, cluster APIs) and system indices (names starting with
 * a dot) are refused, since their targets cannot be checked before they run.
 */
final class RequestGuard {

    /** Endpoints under an index that only read it. */
    private static final Set<String> READS = Set.of("_search", "_count", "_field_caps", "_validate", "_explain",
        "_termvectors", "_source", "_mapping", "_mappings", "_settings", "_stats", "_alias", "_aliases");

    /** Endpoints under an index that change it. */
    private static final Set<String> WRITES = Set.of("_doc", "_create", "_update", "_delete_by_query", "_update_by_query",
        "_refresh", "_flush");

    /** What may be done: does the caller hold this privilege on this index expression? */
    private final BiPredicate<Privilege, String> allows;

    RequestGuard(BiPredicate<Privilege, String> allows) {
        this.allows = allows;
    }

    /**
     * Why the request is refused, or {@code null} if it may go.
     *
     * @param method the HTTP method
     * @param url the request path (and query), as the client builds it
     */
    String refusal(String method, String url) {
        String path = url.split("\\?", 2)[0];
        String[] segments = path.replaceFirst("^/", "").split("/");
        String first = segments.length == 0 ? "" : decode(segments[0]);
        if (first.isEmpty() || first.startsWith("_")) {
            return "a scoped client may only address stream indices by name, not " + (first.isEmpty() ? "/" : "/" + first);
        }
        String action = segments.length > 1 ? segments[1] : "";
        Privilege needed = privilege(method.toUpperCase(Locale.ROOT), action);
        if (needed == null) {
            return "a scoped client may not call " + method + " /" + first + (action.isEmpty() ? "" : "/" + action);
        }
        for (String index : first.split(",")) {
            String name = index.trim();
            if (name.isEmpty() || name.startsWith(".") || name.startsWith("-") || name.startsWith("+")) {
                return "index expression '" + name + "' is not allowed";
            }
            if (!allows.test(needed, name)) {
                return "no " + needed.name().toLowerCase(Locale.ROOT) + " privilege on '" + name + "'";
            }
        }
        return null;
    }

    private static Privilege privilege(String method, String action) {
        if (action.isEmpty()) {
            // The index itself: reading its definition, or creating/deleting it.
            return method.equals("GET") || method.equals("HEAD") ? Privilege.READ : Privilege.MANAGE;
        }
        if (READS.contains(action)) {
            return method.equals("GET") || method.equals("HEAD") || method.equals("POST") ? Privilege.READ : null;
        }
        if (WRITES.contains(action)) {
            return (method.equals("GET") || method.equals("HEAD")) && action.equals("_doc") ? Privilege.READ : Privilege.MANAGE;
        }
        return null;
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }
}

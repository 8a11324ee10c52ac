package io.sluice.scopedclients.internal;

import io.sluice.auth.Privilege;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * Decides whether a scoped client may send a request, judging all of it: the indices its path names and what it does
 * to them, its query parameters and, for reads, its query body. Conservative by design, refused are:
 * <ul>
 *   <li>requests that do not name their indices in the path ({@code _search} across all indices, {@code _bulk},
 *       {@code _mget}, {@code _msearch}, cluster APIs), since their targets cannot be checked before they run;</li>
 *   <li>index expressions that could reach system or hidden indices: names starting with a dot, {@code _all}, date
 *       math ({@code <...>}), exclusions, remote clusters, a wildcard with no name before it ({@code *}, {@code *-x}),
 *       and {@code expand_wildcards} asking for hidden or all indices;</li>
 *   <li>changes to more than one index at a time (a wildcard or a list under a destructive operation);</li>
 *   <li>an ingest {@code pipeline} on a write (a pipeline can send the document to another index);</li>
 *   <li>query bodies that name another index inside them (terms lookup, {@code more_like_this},
 *       {@code indexed_shape}, percolate), and bodies this guard cannot read.</li>
 * </ul>
 */
final class RequestGuard {

    /** Endpoints under an index that only read it. */
    private static final Set<String> READS = Set.of("_search", "_count", "_field_caps", "_validate", "_explain",
        "_termvectors", "_source", "_mapping", "_mappings", "_settings", "_stats", "_alias", "_aliases");

    /** Endpoints under an index that change it. */
    private static final Set<String> WRITES = Set.of("_doc", "_create", "_update", "_delete_by_query", "_update_by_query",
        "_refresh", "_flush");

    /** The only values of {@code expand_wildcards} that cannot reach hidden indices. */
    private static final Set<String> VISIBLE_EXPANSIONS = Set.of("open", "closed", "none");

    /** A key naming an index inside a query body (not inside a string value, where the quote would be escaped). */
    private static final Pattern INDEX_KEY = Pattern.compile("(?<!\\\\)\"_?index\"\\s*:");

    /** What may be done: does the caller hold this privilege on this index expression? */
    private final BiPredicate<Privilege, String> allows;

    RequestGuard(BiPredicate<Privilege, String> allows) {
        this.allows = allows;
    }

    /**
     * Why the request is refused, or {@code null} if it may go: a path with its query string, and no body.
     *
     * @param method the HTTP method
     * @param url the request path and query
     */
    String refusal(String method, String url) {
        String[] parts = url.split("\\?", 2);
        Map<String, String> parameters = new HashMap<>();
        if (parts.length > 1) {
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                parameters.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        return refusal(method, parts[0], parameters, null);
    }

    /**
     * Why the request is refused, or {@code null} if it may go.
     *
     * @param method the HTTP method
     * @param path the request path
     * @param parameters its query parameters
     * @param body a read's query body as JSON; {@code null} when it has none, {@link #UNREADABLE} when it has one the
     *     guard cannot read
     */
    String refusal(String method, String path, Map<String, String> parameters, String body) {
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
        String parameterRefusal = parameterRefusal(parameters);
        if (parameterRefusal != null) {
            return parameterRefusal;
        }
        String[] names = first.split(",");
        for (String index : names) {
            String name = index.trim();
            String why = expressionRefusal(name);
            if (why != null) {
                return "index expression '" + name + "' is not allowed: " + why;
            }
            if (!allows.test(needed, name)) {
                return "no " + needed.name().toLowerCase(Locale.ROOT) + " privilege on '" + name + "'";
            }
        }
        if (needed == Privilege.MANAGE && (names.length > 1 || first.contains("*"))) {
            return "a scoped client changes one index at a time: name it instead of '" + first + "'";
        }
        if (body != null && needed == Privilege.READ) {
            if (body == UNREADABLE) {
                return "a scoped client cannot check the body of this request: use the typed API";
            }
            if (INDEX_KEY.matcher(body).find()) {
                return "a query body may not name an index of its own (terms lookup, more_like_this, indexed shapes, "
                    + "percolate): it would read outside the request's indices";
            }
        }
        return null;
    }

    /** Marks a body that exists but cannot be read without consuming it. */
    static final String UNREADABLE = new String("<unreadable body>");

    private static String parameterRefusal(Map<String, String> parameters) {
        String expand = parameters.get("expand_wildcards");
        if (expand != null) {
            for (String value : expand.split(",")) {
                if (!VISIBLE_EXPANSIONS.contains(value.trim().toLowerCase(Locale.ROOT))) {
                    return "expand_wildcards=" + expand + " could reach hidden or system indices";
                }
            }
        }
        if (parameters.containsKey("pipeline")) {
            return "an ingest pipeline may send a document to another index: a scoped client writes without one";
        }
        return null;
    }

    /** Why one name of an index expression could reach beyond the streams it names, or null. */
    private static String expressionRefusal(String name) {
        if (name.isEmpty()) {
            return "empty";
        }
        char c = name.charAt(0);
        if (c == '.' || c == '_') {
            return "system and internal names are never reachable";
        }
        if (c == '-' || c == '+') {
            return "exclusions and inclusions are not supported";
        }
        if (c == '<') {
            return "date math could resolve to any index";
        }
        if (c == '*') {
            return "a wildcard must follow a name prefix (for example logs-*), or it could expand to system indices";
        }
        if (name.indexOf(':') >= 0) {
            return "remote clusters are not reachable";
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

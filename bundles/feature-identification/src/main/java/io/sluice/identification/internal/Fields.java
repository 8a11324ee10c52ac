package io.sluice.identification.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reading field values out of a document's {@code _source} as OpenSearch indexes them: by a dotted path through
 * nested objects or flat dotted keys, arrays as several values, numbers and dates comparable as numbers.
 */
final class Fields {

    private Fields() {
    }

    /** Every value at the path (none when absent or null). */
    static List<Object> values(Map<String, Object> document, String path) {
        List<Object> found = new ArrayList<>();
        collect(document, path, found);
        return found;
    }

    /** The first value at the path, or null. */
    static Object first(Map<String, Object> document, String path) {
        List<Object> values = values(document, path);
        return values.isEmpty() ? null : values.get(0);
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object node, String path, List<Object> found) {
        if (node instanceof Collection<?> list) {
            list.forEach(item -> collect(item, path, found));
            return;
        }
        if (node instanceof FlatDocument flat) {
            Object value = flat.get(path);
            if (value != null) {
                add(value, found);
            }
            return;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return;
        }
        if (path.isEmpty()) {
            return;
        }
        Object direct = map.get(path);
        if (direct != null) {
            add(direct, found);
        }
        int dot = path.indexOf('.');
        while (dot > 0) {
            Object child = map.get(path.substring(0, dot));
            if (child != null) {
                collect(child, path.substring(dot + 1), found);
            }
            dot = path.indexOf('.', dot + 1);
        }
    }

    private static void add(Object value, List<Object> found) {
        if (value instanceof Collection<?> list) {
            list.forEach(item -> add(item, found));
        } else if (!(value instanceof Map<?, ?>)) {
            found.add(value);
        }
    }

    /**
     * The document with every leaf under its full dotted path: one map lookup per field where a condition is evaluated
     * many times. Several values at one path (arrays, or a dotted key beside a nested object) become a list.
     */
    static Map<String, Object> flatten(Map<String, Object> document) {
        Map<String, Object> flat = new FlatDocument();
        flattenInto("", document, flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flattenInto(String prefix, Object node, Map<String, Object> flat) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() != null) {
                    flattenInto(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), flat);
                }
            }
            return;
        }
        if (node instanceof Collection<?> list) {
            for (Object item : list) {
                flattenInto(prefix, item, flat);
            }
            return;
        }
        flat.merge(prefix, node, (old, value) -> {
            List<Object> values = old instanceof ManyValues many ? many : new ManyValues(old);
            values.add(value);
            return values;
        });
    }

    /** A flattened document: every value is under its full path, so a lookup is one {@code get}. */
    private static final class FlatDocument extends java.util.HashMap<String, Object> {
        private static final long serialVersionUID = 1L;
    }

    /** Several values at one flattened path. */
    private static final class ManyValues extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        ManyValues(Object first) {
            add(first);
        }
    }

    /** Equal as OpenSearch's term query sees it: numbers by value, everything else as text. */
    static boolean sameValue(Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number e) {
            return Double.compare(a.doubleValue(), e.doubleValue()) == 0;
        }
        return String.valueOf(actual).equals(String.valueOf(expected));
    }

    /** Orders numbers numerically, dates by time, and anything else as text. */
    static int compare(Object actual, Object expected) {
        Double a = number(actual);
        Double e = number(expected);
        if (a != null && e != null) {
            return Double.compare(a, e);
        }
        return String.valueOf(actual).compareTo(String.valueOf(expected));
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return (double) Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /** A literal for a wildcard query: its own {@code *}, {@code ?} and {@code \} escaped. */
    static String escapeWildcard(Object value) {
        return String.valueOf(value).replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
    }
}

package io.sluice.identification.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A filter in Kibana's condition shape: {@code {field, eq|neq|lt|lte|gt|gte|contains|startsWith|endsWith: value}},
 * {@code {field, exists: true}}, {@code {field, range: {gte, lt, ...}}}, and {@code and}, {@code or}, {@code not}. It
 * reads a document in memory ({@link #matches}) and becomes the OpenSearch query that selects the same documents
 * ({@link #toQuery}); the two agree by construction, which the tests check on generated conditions.
 *
 * <p>Comparisons are exact and case-sensitive, on the field's value as indexed: keyword and wildcard fields as strings,
 * numbers and dates as numbers. A field with several values matches when one of them does, as in OpenSearch.
 */
public sealed interface Condition {

    /** Whether the document (its {@code _source}, dotted or nested) is selected. */
    boolean matches(Map<String, Object> document);

    /** The condition as Kibana writes it. */
    Map<String, Object> toJson();

    /** The OpenSearch query DSL selecting the same documents. */
    Map<String, Object> toQuery();

    /** {@code {field, op: value}} for a comparison operator. */
    record Compare(String field, Op op, Object value) implements Condition {
        /** All parts are required. */
        public Compare {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean matches(Map<String, Object> document) {
            // Loops, not streams: a condition is evaluated for every document of a sample, many times over.
            List<Object> values = Fields.values(document, field);
            if (op == Op.NEQ) {
                for (Object v : values) {
                    if (Fields.sameValue(v, value)) {
                        return false;
                    }
                }
                return true;
            }
            for (Object v : values) {
                if (op.test(v, value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("field", field);
            json.put(op.wire, value);
            return json;
        }

        @Override
        public Map<String, Object> toQuery() {
            return switch (op) {
                case EQ -> Map.of("term", Map.of(field, Map.of("value", value)));
                case NEQ -> Map.of("bool", Map.of("must_not", List.of(Map.of("term", Map.of(field, Map.of("value", value))))));
                case LT, LTE, GT, GTE -> Map.of("range", Map.of(field, Map.of(op.wire, value)));
                case CONTAINS -> Map.of("wildcard", Map.of(field, Map.of("value", "*" + Fields.escapeWildcard(value) + "*")));
                case STARTS_WITH -> Map.of("prefix", Map.of(field, Map.of("value", value)));
                case ENDS_WITH -> Map.of("wildcard", Map.of(field, Map.of("value", "*" + Fields.escapeWildcard(value))));
            };
        }
    }

    /** {@code {field, exists: true}}. */
    record Exists(String field) implements Condition {
        @Override
        public boolean matches(Map<String, Object> document) {
            return !Fields.values(document, field).isEmpty();
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("field", field, "exists", true);
        }

        @Override
        public Map<String, Object> toQuery() {
            return Map.of("exists", Map.of("field", field));
        }
    }

    /** {@code {field, range: {gte, lt, ...}}}: every bound given must hold. */
    record Range(String field, Map<String, Object> bounds) implements Condition {
        /** Only gt, gte, lt, lte, at least one. */
        public Range {
            bounds = Map.copyOf(bounds);
            if (bounds.isEmpty() || !List.of("gt", "gte", "lt", "lte").containsAll(bounds.keySet())) {
                throw new IllegalArgumentException("a range takes gt, gte, lt and lte, at least one: " + bounds.keySet());
            }
        }

        @Override
        public boolean matches(Map<String, Object> document) {
            return Fields.values(document, field).stream().anyMatch(v -> bounds.entrySet().stream()
                .allMatch(b -> Op.fromWire(b.getKey()).test(v, b.getValue())));
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("field", field, "range", new LinkedHashMap<>(bounds));
        }

        @Override
        public Map<String, Object> toQuery() {
            return Map.of("range", Map.of(field, new LinkedHashMap<>(bounds)));
        }
    }

    /** {@code {and: [...]}}. */
    record And(List<Condition> all) implements Condition {
        /** Copies the list. */
        public And {
            all = List.copyOf(all);
        }

        @Override
        public boolean matches(Map<String, Object> document) {
            for (Condition c : all) {
                if (!c.matches(document)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("and", all.stream().map(Condition::toJson).toList());
        }

        @Override
        public Map<String, Object> toQuery() {
            return Map.of("bool", Map.of("filter", all.stream().map(Condition::toQuery).toList()));
        }
    }

    /** {@code {or: [...]}}. */
    record Or(List<Condition> any) implements Condition {
        /** Copies the list. */
        public Or {
            any = List.copyOf(any);
        }

        @Override
        public boolean matches(Map<String, Object> document) {
            for (Condition c : any) {
                if (c.matches(document)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("or", any.stream().map(Condition::toJson).toList());
        }

        @Override
        public Map<String, Object> toQuery() {
            return Map.of("bool", Map.of("should", any.stream().map(Condition::toQuery).toList(), "minimum_should_match", 1));
        }
    }

    /** {@code {not: ...}}. */
    record Not(Condition condition) implements Condition {
        @Override
        public boolean matches(Map<String, Object> document) {
            return !condition.matches(document);
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("not", condition.toJson());
        }

        @Override
        public Map<String, Object> toQuery() {
            return Map.of("bool", Map.of("must_not", List.of(condition.toQuery())));
        }
    }

    /** The comparison operators, by their Kibana names. */
    enum Op {
        EQ("eq"), NEQ("neq"), LT("lt"), LTE("lte"), GT("gt"), GTE("gte"), CONTAINS("contains"),
        STARTS_WITH("startsWith"), ENDS_WITH("endsWith");

        final String wire;

        Op(String wire) {
            this.wire = wire;
        }

        static Op fromWire(String wire) {
            for (Op op : values()) {
                if (op.wire.equals(wire)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown operator '" + wire + "'");
        }

        boolean test(Object actual, Object expected) {
            return switch (this) {
                case EQ -> Fields.sameValue(actual, expected);
                case NEQ -> !Fields.sameValue(actual, expected);
                case LT -> Fields.compare(actual, expected) < 0;
                case LTE -> Fields.compare(actual, expected) <= 0;
                case GT -> Fields.compare(actual, expected) > 0;
                case GTE -> Fields.compare(actual, expected) >= 0;
                case CONTAINS -> String.valueOf(actual).contains(String.valueOf(expected));
                case STARTS_WITH -> String.valueOf(actual).startsWith(String.valueOf(expected));
                case ENDS_WITH -> String.valueOf(actual).endsWith(String.valueOf(expected));
            };
        }
    }

    /**
     * Reads a condition in Kibana's shape (as {@link #toJson} writes it), strictly: unknown keys, a missing field or
     * value, and nesting deeper than 32 levels are refused.
     *
     * @throws IllegalArgumentException saying what is wrong, and where
     */
    static Condition parse(Object json) {
        return parse(json, "filter", 0);
    }

    @SuppressWarnings("unchecked")
    private static Condition parse(Object json, String at, int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException(at + ": nested more than 32 levels deep");
        }
        if (!(json instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException(at + ": a condition must be a JSON object");
        }
        Map<String, Object> map = (Map<String, Object>) raw;
        if (map.size() == 1 && (map.containsKey("and") || map.containsKey("or"))) {
            String key = map.containsKey("and") ? "and" : "or";
            if (!(map.get(key) instanceof List<?> items) || items.isEmpty()) {
                throw new IllegalArgumentException(at + "." + key + ": a non-empty list of conditions is required");
            }
            List<Condition> parsed = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                parsed.add(parse(items.get(i), at + "." + key + "[" + i + "]", depth + 1));
            }
            return key.equals("and") ? new And(parsed) : new Or(parsed);
        }
        if (map.size() == 1 && map.containsKey("not")) {
            return new Not(parse(map.get("not"), at + ".not", depth + 1));
        }
        if (!(map.get("field") instanceof String field) || field.isBlank()) {
            throw new IllegalArgumentException(at + ": 'field' (a field name) is required, or one of and, or, not");
        }
        if (map.size() != 2) {
            throw new IllegalArgumentException(at + ": give 'field' and exactly one operator, got " + map.keySet());
        }
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = e.getKey();
            if (key.equals("field")) {
                continue;
            }
            Object value = e.getValue();
            if (key.equals("exists")) {
                if (!Boolean.TRUE.equals(value)) {
                    throw new IllegalArgumentException(at + ".exists: must be true (use not for absence)");
                }
                return new Exists(field);
            }
            if (key.equals("range")) {
                if (!(value instanceof Map<?, ?> bounds)) {
                    throw new IllegalArgumentException(at + ".range: an object of gt, gte, lt, lte is required");
                }
                for (Object bound : bounds.values()) {
                    scalar(bound, at + ".range");
                }
                return new Range(field, (Map<String, Object>) bounds);
            }
            Op op;
            try {
                op = Op.fromWire(key);
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException(at + ": unknown operator '" + key + "'; the operators are eq, neq, lt, "
                    + "lte, gt, gte, contains, startsWith, endsWith, exists, range");
            }
            return new Compare(field, op, scalar(value, at + "." + key));
        }
        throw new IllegalArgumentException(at + ": an operator is required");
    }

    private static Object scalar(Object value, String at) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException(at + ": a string, number or boolean is required");
    }

    /** {@code or} of equalities, or the single equality. */
    static Condition anyOf(String field, List<?> values) {
        List<Condition> each = new ArrayList<>();
        for (Object value : values) {
            each.add(new Compare(field, Op.EQ, value));
        }
        return each.size() == 1 ? each.get(0) : new Or(each);
    }

    /** {@code and} of the conditions, or the single one. */
    static Condition allOf(List<Condition> conditions) {
        return conditions.size() == 1 ? conditions.get(0) : new And(conditions);
    }
}

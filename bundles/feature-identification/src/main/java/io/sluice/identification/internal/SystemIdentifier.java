package io.sluice.identification.internal;

import io.sluice.streams.LogLine;
import io.sluice.streams.LogLineParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Finds the systems in a sample of a stream's documents, at the two levels of SPEC section 7, with no model and no
 * network: deterministic, explainable, and built on what every log has rather than on any product's.
 *
 * <ol>
 *   <li><b>Sources</b>, the origins of logs. Where the documents carry a field that names their origin
 *       ({@code service.name}, {@code event.dataset}, {@code log.file.path}, ...) in nearly all of them, each of its
 *       values is a source. Otherwise the message structure decides: lines are grouped by the layout of their header
 *       ({@code log.format}, which ingest records); layouts that differ only by an optional field (a missing level, a
 *       pid, an extra bracket) and whose messages share their vocabulary are one source; small variants join the
 *       source they resemble most. A source whose lines share a layout but come from hosts whose programs never mix is
 *       split by host: two machines' syslogs are two sources even in the same format.</li>
 *   <li><b>Components</b>, inside a source with several: the programs of a syslog ({@code process.name}) or the
 *       loggers and tags of a service ({@code log.logger}), each with enough lines to matter.</li>
 * </ol>
 * Each feature gets a filter in Kibana's condition shape built from those fields only, so what selects its documents
 * in the sample selects them in the stream.
 */
public final class SystemIdentifier {

    /** Fields that, where nearly every document has one, name the origin of a document. */
    static final List<String> SOURCE_FIELDS = List.of("service.name", "event.dataset", "data_stream.dataset",
        "log.file.path", "kubernetes.container.name", "container.name", "app", "application");
    /** Fields that name a part of a source: a syslog's programs, a service's loggers. */
    static final List<String> COMPONENT_FIELDS = List.of("process.name", "log.logger");

    /** A format this much smaller than a source with the same timestamp layout is a variant of it. */
    private static final double VARIANT_SHARE = 0.1;
    /** Vocabularies at least this similar (cosine) belong to one source. */
    private static final double SAME_VOCABULARY = 0.3;
    /** Below this similarity (cosine) of their words, two large groups of one timestamp layout are two writers. */
    private static final double OTHER_WRITER = 0.1;
    /**
     * Hosts are other machines when their lines have less than this share of programs in common and one runs less
     * than {@link #DISJOINT_PROGRAM_SET} of the other's programs at all...
     */
    private static final double DISJOINT_PROGRAMS = 0.1;
    private static final double DISJOINT_PROGRAM_SET = 0.25;
    /** ... or when less than this share of programs is in common and their words differ ({@link #OTHER_WRITER}). */
    private static final double SAME_PROGRAMS = 0.2;
    /** A host group with less than this share of its source is not split off. */
    private static final double HOST_GROUP_SHARE = 0.1;
    /** A component needs at least this share of its source's sample, and {@link #COMPONENT_MIN} documents. */
    private static final double COMPONENT_SHARE = 0.01;
    private static final int COMPONENT_MIN = 5;

    private final LogLineParser parser = new LogLineParser(ZoneOffset.UTC, 2000);
    private final TemplateMiner miner = new TemplateMiner();

    /** One document of the sample, with what identification needs of it. */
    record Doc(Map<String, Object> source, String format, String host, String program, String content, Instant timestamp,
               Map<String, Double> words) {
        /** The first value of a field, as text; or null. */
        String value(String field) {
            Object value = source.get(field);
            if (value instanceof List<?> many) {
                value = many.isEmpty() ? null : many.get(0);
            }
            return value == null ? null : String.valueOf(value);
        }
    }

    /** A system found: its documents (indices into the sample), its filter, and how it was found. */
    record Found(String kind, String name, Condition filter, List<Integer> members, String parentName,
                 Map<String, Object> evidence, int confidence, String description) {
    }

    /**
     * The systems in the sample.
     *
     * @param cancelled checked between steps: identification stops early (with what it has) when it answers true
     */
    public List<Found> identify(List<Map<String, Object>> sample, BooleanSupplier cancelled) {
        List<Doc> docs = new ArrayList<>(sample.size());
        for (Map<String, Object> source : sample) {
            docs.add(describe(source));
        }
        List<Source> sources = sources(docs);
        if (cancelled.getAsBoolean()) {
            return List.of();
        }
        List<String> contents = new ArrayList<>(docs.size());
        docs.forEach(doc -> contents.add(doc.content()));
        TemplateMiner.Result mined = miner.mine(contents);
        List<Found> found = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Source source : sources) {
            String name = unique(names, source.label(docs));
            found.add(describeSource(source, name, docs, mined));
            if (cancelled.getAsBoolean()) {
                return found;
            }
            for (Found component : components(source, name, docs, names, mined)) {
                found.add(component);
            }
        }
        return found;
    }

    private Doc describe(Map<String, Object> document) {
        Map<String, Object> source = Fields.flatten(document);
        String message = String.valueOf(Fields.first(source, "message") == null ? "" : Fields.first(source, "message"));
        Object format = Fields.first(source, "log.format");
        // Ingest records where the header ends; documents from elsewhere are read again.
        Object headerLength = Fields.first(source, "log.header_length");
        String content = headerLength instanceof Number n && n.intValue() >= 0 && n.intValue() <= message.length()
            ? message.substring(n.intValue()) : parser.parse(message).content();
        Object host = Fields.first(source, "host.name");
        Object at = Fields.first(source, "@timestamp");
        Instant timestamp = null;
        if (at != null) {
            try {
                timestamp = Instant.parse(String.valueOf(at));
            } catch (RuntimeException e) {
                timestamp = null;
            }
        }
        Object program = Fields.first(source, "process.name");
        return new Doc(source, format == null ? null : String.valueOf(format), host == null ? null : String.valueOf(host),
            program == null ? null : String.valueOf(program),
            content, timestamp, words(content));
    }

    // ---- sources ---------------------------------------------------------------------------------------------

    /** A source: its documents, and the condition that selects them. */
    private final class Source {
        final List<Integer> members = new ArrayList<>();
        final List<String> formats = new ArrayList<>();
        /** Conditions on {@code log.format}, any of which selects the source's lines. */
        final List<Condition> shapes = new ArrayList<>();
        String pivotField;
        Object pivotValue;
        /** Hosts of this source, when a layout is shared by several machines; or null. */
        List<String> hosts;
        /** Hosts that belong to other sources: the group that takes every host not seen in the sample. */
        List<String> otherHosts;
        Map<String, Double> vocabulary = new HashMap<>();

        Condition filter() {
            if (pivotField != null) {
                return new Condition.Compare(pivotField, Condition.Op.EQ, pivotValue);
            }
            List<Condition> all = new ArrayList<>();
            all.add(shapes.size() == 1 ? shapes.get(0) : new Condition.Or(shapes));
            if (otherHosts != null) {
                all.add(new Condition.Not(Condition.anyOf("host.name", otherHosts)));
            } else if (hosts != null) {
                all.add(Condition.anyOf("host.name", hosts));
            }
            return Condition.allOf(all);
        }

        void add(String format, List<Integer> lines, Condition shape) {
            formats.add(format);
            members.addAll(lines);
            if (!shapes.contains(shape)) {
                shapes.add(shape);
            }
        }

        /** A name people recognise: the origin's own name, the loggers' common package, the host, the programs. */
        String label(List<Doc> docs) {
            if (pivotField != null) {
                return String.valueOf(pivotValue);
            }
            if (hosts != null && !hosts.isEmpty()) {
                return "syslog of " + hosts.get(0) + (hosts.size() > 1 ? " (+" + (hosts.size() - 1) + " host names)" : "");
            }
            // Only a field most of the source's documents carry names it.
            int half = (members.size() + 1) / 2;
            Map<String, Integer> loggers = counts(docs, members, "log.logger");
            if (total(loggers) >= half) {
                String common = commonPackage(loggers);
                if (common != null) {
                    return common;
                }
            }
            Map<String, Integer> hostsSeen = counts(docs, members, "host.name");
            if (total(hostsSeen) >= half) {
                return "syslog of " + top(hostsSeen, 1).get(0) + (hostsSeen.size() > 1 ? " (+" + (hostsSeen.size() - 1)
                    + " host names)" : "");
            }
            Map<String, Integer> files = counts(docs, members, "log.file.path");
            if (total(files) >= half) {
                return fileStem(top(files, 1).get(0));
            }
            Map<String, Integer> programs = counts(docs, members, "process.name");
            boolean byPrograms = total(programs) >= total(loggers);
            Map<String, Integer> names = byPrograms ? programs : loggers;
            if (total(names) >= half) {
                String first = shortName(top(names, 1).get(0));
                return names.size() == 1 ? first : first + " and " + (names.size() - 1)
                    + (byPrograms ? " more programs" : " more loggers");
            }
            // No field names it: the words its header writes literally (RAS KERNEL), or its timestamp layout.
            Map<String, Integer> byFormat = new HashMap<>();
            for (int i : members) {
                if (docs.get(i).format() != null) {
                    byFormat.merge(docs.get(i).format(), 1, Integer::sum);
                }
            }
            String dominant = byFormat.isEmpty() ? formats.get(0) : top(byFormat, 1).get(0);
            List<String> literals = LogLine.slots(dominant).stream()
                .filter(slot -> slot.length() > 1 && !slot.contains("{") && slot.chars().anyMatch(Character::isLetter)).toList();
            String layout = layout(dominant);
            String timestamps = layout == null ? "lines without a header" : "logs with " + layout + " timestamps";
            return literals.isEmpty() ? timestamps : String.join(" ", literals) + " " + timestamps;
        }
    }

    private List<Source> sources(List<Doc> docs) {
        String pivot = sourceField(docs);
        if (pivot != null) {
            Map<String, Source> byValue = new LinkedHashMap<>();
            for (int i = 0; i < docs.size(); i++) {
                Object value = docs.get(i).value(pivot);
                if (value == null) {
                    continue;
                }
                Source source = byValue.computeIfAbsent(String.valueOf(value), v -> {
                    Source s = new Source();
                    s.pivotField = pivot;
                    s.pivotValue = value;
                    return s;
                });
                source.members.add(i);
            }
            return byValue.values().stream().sorted(Comparator.comparingInt((Source s) -> -s.members.size())).toList();
        }
        Map<String, List<Integer>> byFormat = new LinkedHashMap<>();
        List<Integer> headerless = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            String format = docs.get(i).format();
            if (format == null || format.equals(LogLine.NO_HEADER)) {
                headerless.add(i);
            } else {
                byFormat.computeIfAbsent(format, f -> new ArrayList<>()).add(i);
            }
        }
        // Families: formats that agree up to their last timestamp (what comes before the first one may vary: a label,
        // a file name). Inside a family, the slot right after the timestamp is the convention of the one who wrote it.
        Map<String, Family> families = new TreeMap<>();
        for (Map.Entry<String, List<Integer>> format : byFormat.entrySet()) {
            Shape shape = Shape.of(format.getKey());
            families.computeIfAbsent(shape.family(), Family::new).add(shape, format.getValue());
        }
        List<Family> ordered = new ArrayList<>(families.values());
        ordered.sort(Comparator.comparingInt((Family f) -> -f.size()).thenComparing(f -> f.key));
        List<Source> sources = new ArrayList<>();
        Map<Family, List<Source>> sourcesOf = new LinkedHashMap<>();
        List<Family> truncated = new ArrayList<>();
        for (Family family : ordered) {
            Family longer = extendedBy(family, ordered);
            if (longer != null && family.size() < VARIANT_SHARE * longer.size()) {
                truncated.add(family); // a header cut short: placed once the full ones are sources
                continue;
            }
            List<Source> made = familySources(family, docs);
            sourcesOf.put(family, made);
            sources.addAll(made);
        }
        for (Family family : truncated) {
            List<Source> candidates = new ArrayList<>();
            sourcesOf.forEach((f, made) -> {
                if (f.key.startsWith(family.key + " ")) {
                    candidates.addAll(made);
                }
            });
            List<Integer> lines = family.members();
            Source best = mostSimilar(candidates, vocabulary(docs, lines));
            for (Map.Entry<Shape, List<Integer>> format : family.formats.entrySet()) {
                best.add(format.getKey().format(), format.getValue(),
                    new Condition.Compare("log.format", Condition.Op.EQ, format.getKey().format()));
            }
            best.vocabulary = vocabulary(docs, best.members);
        }
        List<Source> split = new ArrayList<>();
        for (Source source : sources) {
            split.addAll(splitByHost(source, docs));
        }
        if (!headerless.isEmpty()) {
            attachHeaderless(split, headerless, docs);
        }
        split.sort(Comparator.comparingInt((Source s) -> -s.members.size()));
        return split;
    }

    /**
     * A header format read as slots (a timestamp slot keeps its spaces): its family (the slots up to the last
     * timestamp, where only the timestamps' layouts count and every other slot is a placeholder: a label, a file, a
     * node, a NULL where a node would be), the text of the format up to the end of that
     * timestamp, and the slot after it.
     */
    record Shape(String format, String family, String prefix, String next) {
        static Shape of(String format) {
            List<String> slots = LogLine.slots(format);
            int lastTs = -1;
            for (int i = 0; i < slots.size(); i++) {
                if (slots.get(i).startsWith("{ts")) {
                    lastTs = i;
                }
            }
            if (lastTs < 0) {
                return new Shape(format, format, format, "");
            }
            String prefix = String.join(" ", slots.subList(0, lastTs + 1));
            String next = lastTs + 1 < slots.size() ? slots.get(lastTs + 1) : "";
            return new Shape(format, LogLine.layoutOf(format), prefix, next);
        }
    }

    /** The formats of one family, by the slot after their timestamp. */
    private static final class Family {
        final String key;
        final Map<Shape, List<Integer>> formats = new LinkedHashMap<>();

        Family(String key) {
            this.key = key;
        }

        void add(Shape shape, List<Integer> lines) {
            formats.put(shape, lines);
        }

        int size() {
            return formats.values().stream().mapToInt(List::size).sum();
        }

        List<Integer> members() {
            List<Integer> all = new ArrayList<>();
            formats.values().forEach(all::addAll);
            return all;
        }

        Map<String, List<Shape>> byNext() {
            Map<String, List<Shape>> groups = new LinkedHashMap<>();
            for (Shape shape : formats.keySet()) {
                groups.computeIfAbsent(shape.next(), n -> new ArrayList<>()).add(shape);
            }
            return groups;
        }
    }

    /** The biggest family whose key continues this one's, or null. */
    private static Family extendedBy(Family family, List<Family> families) {
        for (Family other : families) {
            if (other != family && other.key.startsWith(family.key + " ")) {
                return other;
            }
        }
        return null;
    }

    /**
     * The sources of one family. Its formats group by the slot after the timestamp; a group joins the biggest one
     * unless it is large and shares almost no words with it: then two writers share a timestamp layout but not a
     * convention, and each is a source (selected by its prefix and that slot).
     */
    private List<Source> familySources(Family family, List<Doc> docs) {
        List<Map.Entry<String, List<Shape>>> groups = new ArrayList<>(family.byNext().entrySet());
        groups.sort(Comparator.comparingInt((Map.Entry<String, List<Shape>> g) -> -lines(family, g.getValue()).size())
            .thenComparing(Map.Entry::getKey));
        List<Source> made = new ArrayList<>();
        List<List<Map.Entry<String, List<Shape>>>> parts = new ArrayList<>();
        int total = family.size();
        for (Map.Entry<String, List<Shape>> group : groups) {
            List<Integer> lines = lines(family, group.getValue());
            Map<String, Double> vocabulary = vocabulary(docs, lines);
            int best = -1;
            double bestSimilarity = -1;
            for (int i = 0; i < made.size(); i++) {
                double similarity = cosine(vocabulary, made.get(i).vocabulary);
                if (similarity > bestSimilarity) {
                    best = i;
                    bestSimilarity = similarity;
                }
            }
            boolean small = lines.size() < VARIANT_SHARE * total;
            if (best < 0 || (!small && bestSimilarity < OTHER_WRITER)) {
                made.add(new Source());
                parts.add(new ArrayList<>());
                best = made.size() - 1;
            }
            parts.get(best).add(group);
            Source source = made.get(best);
            for (Shape shape : group.getValue()) {
                source.formats.add(shape.format());
                source.members.addAll(family.formats.get(shape));
            }
            source.vocabulary = vocabulary(docs, source.members);
        }
        // Filters: the whole family by its layout when it is one source (so formats the sample missed are still
        // selected); each part by its prefixes and its slots after the timestamp when it is several.
        if (made.size() == 1) {
            made.get(0).shapes.add(new Condition.Compare("log.layout", Condition.Op.EQ, family.key));
            return made;
        }
        for (int i = 0; i < made.size(); i++) {
            Source source = made.get(i);
            Set<String> prefixes = new java.util.TreeSet<>();
            for (Map.Entry<String, List<Shape>> group : parts.get(i)) {
                for (Shape shape : group.getValue()) {
                    if (shape.next().isEmpty()) {
                        source.shapes.add(new Condition.Compare("log.format", Condition.Op.EQ, shape.prefix()));
                    } else {
                        prefixes.add(shape.prefix() + " " + shape.next());
                    }
                }
            }
            for (String prefix : prefixes) {
                source.shapes.add(new Condition.Compare("log.format", Condition.Op.STARTS_WITH, prefix));
            }
        }
        return made;
    }

    private static List<Integer> lines(Family family, List<Shape> shapes) {
        List<Integer> all = new ArrayList<>();
        shapes.forEach(shape -> all.addAll(family.formats.get(shape)));
        return all;
    }

    private static Source mostSimilar(List<Source> candidates, Map<String, Double> vocabulary) {
        Source best = candidates.get(0);
        double bestSimilarity = -1;
        for (Source candidate : candidates) {
            double similarity = cosine(vocabulary, candidate.vocabulary);
            if (similarity > bestSimilarity) {
                best = candidate;
                bestSimilarity = similarity;
            }
        }
        return best;
    }

    /** A field that names the origin in nearly every document, with more than one value; or null. */
    private static String sourceField(List<Doc> docs) {
        for (String field : SOURCE_FIELDS) {
            Map<String, Integer> values = new HashMap<>();
            int present = 0;
            for (Doc doc : docs) {
                Object value = doc.value(field);
                if (value != null) {
                    present++;
                    values.merge(String.valueOf(value), 1, Integer::sum);
                }
            }
            if (present >= 0.95 * docs.size() && !docs.isEmpty() && values.size() <= Math.max(1, docs.size() / 20)) {
                return field;
            }
        }
        return null;
    }

    /**
     * Splits a source whose lines share a layout but come from machines that run different programs: two hosts'
     * syslogs in one format. Hosts are grouped by the programs they run (the share of lines two hosts' programs have in
     * common, or the share of one's programs the other runs too: a laptop renamed by every network it joins still runs
     * the same programs); a host too small to judge joins the group it resembles most. The group with the most hosts takes every
     * host the sample did not show.
     */
    private List<Source> splitByHost(Source source, List<Doc> docs) {
        Map<String, List<Integer>> byHost = new TreeMap<>();
        for (int i : source.members) {
            String host = docs.get(i).host();
            if (host == null) {
                return List.of(source);
            }
            byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(i);
        }
        if (byHost.size() < 2) {
            return List.of(source);
        }
        List<Map.Entry<String, List<Integer>>> hosts = new ArrayList<>(byHost.entrySet());
        hosts.sort(Comparator.comparingInt((Map.Entry<String, List<Integer>> e) -> -e.getValue().size())
            .thenComparing(Map.Entry::getKey));
        List<List<String>> groups = new ArrayList<>();
        List<List<Integer>> groupMembers = new ArrayList<>();
        List<Map<String, Double>> groupPrograms = new ArrayList<>();
        List<Map<String, Double>> groupWords = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> host : hosts) {
            Map<String, Double> programs = shares(programs(docs, host.getValue()));
            Map<String, Double> words = vocabulary(docs, host.getValue());
            int best = -1;
            double bestScore = -1;
            boolean allDifferent = true;
            for (int g = 0; g < groups.size(); g++) {
                double overlap = overlap(programs, groupPrograms.get(g));
                double containment = containment(programs.keySet(), groupPrograms.get(g).keySet());
                double vocabulary = cosine(words, groupWords.get(g));
                // Another machine: programs that hardly meet, or few in common and no words either.
                boolean different = overlap < DISJOINT_PROGRAMS && containment < DISJOINT_PROGRAM_SET
                    || overlap < SAME_PROGRAMS && vocabulary < OTHER_WRITER;
                allDifferent &= different;
                double score = overlap + vocabulary;
                if (score > bestScore) {
                    best = g;
                    bestScore = score;
                }
            }
            boolean small = host.getValue().size() < HOST_GROUP_SHARE * source.members.size();
            if (best < 0 || (!small && allDifferent)) {
                groups.add(new ArrayList<>());
                groupMembers.add(new ArrayList<>());
                groupPrograms.add(Map.of());
                groupWords.add(new HashMap<>());
                best = groups.size() - 1;
            }
            Map<String, Double> into = groupWords.get(best);
            words.forEach((word, count) -> into.merge(word, count, Double::sum));
            groups.get(best).add(host.getKey());
            groupMembers.get(best).addAll(host.getValue());
            groupPrograms.set(best, shares(programs(docs, groupMembers.get(best))));
        }
        if (groups.size() < 2) {
            return List.of(source);
        }
        int open = 0;
        for (int g = 1; g < groups.size(); g++) {
            if (groups.get(g).size() > groups.get(open).size()) {
                open = g;
            }
        }
        List<Source> split = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Source part = new Source();
            part.formats.addAll(source.formats);
            part.shapes.addAll(source.shapes);
            part.members.addAll(groupMembers.get(g));
            part.hosts = groups.get(g);
            if (g == open) {
                List<String> others = new ArrayList<>();
                for (int o = 0; o < groups.size(); o++) {
                    if (o != open) {
                        others.addAll(groups.get(o));
                    }
                }
                part.otherHosts = others;
            }
            part.vocabulary = vocabulary(docs, part.members);
            split.add(part);
        }
        return split;
    }

    /** Shares summing to one. */
    private static Map<String, Double> shares(Map<String, Double> counts) {
        double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> shares = new HashMap<>();
        counts.forEach((k, v) -> shares.put(k, v / total));
        return shares;
    }

    /** The share of the smaller set's members that the other set holds too. */
    static double containment(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        Set<String> small = a.size() <= b.size() ? a : b;
        Set<String> large = small == a ? b : a;
        return small.stream().filter(large::contains).count() / (double) small.size();
    }

    /** The share two distributions have in common (histogram intersection, 0 to 1). */
    static double overlap(Map<String, Double> a, Map<String, Double> b) {
        double common = 0;
        for (Map.Entry<String, Double> e : a.entrySet()) {
            Double other = b.get(e.getKey());
            if (other != null) {
                common += Math.min(e.getValue(), other);
            }
        }
        return common;
    }

    /** Lines without a header (continuations, free text) join the source whose words they share, or form their own. */
    private void attachHeaderless(List<Source> sources, List<Integer> headerless, List<Doc> docs) {
        Map<String, Double> vocabulary = vocabulary(docs, headerless);
        Source best = null;
        double bestSimilarity = SAME_VOCABULARY;
        for (Source source : sources) {
            double similarity = cosine(vocabulary, source.vocabulary);
            if (similarity >= bestSimilarity && source.pivotField == null && source.hosts == null) {
                best = source;
                bestSimilarity = similarity;
            }
        }
        if (best == null) {
            best = new Source();
            sources.add(best);
        }
        best.add(LogLine.NO_HEADER, headerless, new Condition.Compare("log.format", Condition.Op.EQ, LogLine.NO_HEADER));
    }

    // ---- components ------------------------------------------------------------------------------------------

    private List<Found> components(Source source, String sourceName, List<Doc> docs, Set<String> names,
                                   TemplateMiner.Result mined) {
        for (String field : COMPONENT_FIELDS) {
            Map<String, Integer> values = counts(docs, source.members, field);
            int covered = values.values().stream().mapToInt(Integer::intValue).sum();
            if (values.size() < 2 || covered < 0.5 * source.members.size()) {
                continue;
            }
            int minimum = Math.max(COMPONENT_MIN, (int) Math.ceil(COMPONENT_SHARE * source.members.size()));
            List<Found> components = new ArrayList<>();
            for (Map.Entry<String, Integer> value : sorted(values)) {
                if (value.getValue() < minimum) {
                    continue;
                }
                List<Integer> members = source.members.stream()
                    .filter(i -> value.getKey().equals(docs.get(i).value(field))).toList();
                Condition filter = Condition.allOf(List.of(source.filter(), new Condition.Compare(field, Condition.Op.EQ,
                    value.getKey())));
                String name = unique(names, value.getKey());
                Map<String, Object> evidence = evidence(docs, members, field, mined);
                evidence.put("field", field);
                String description = String.format(Locale.ROOT, "%s %s of %s: %d of its %d sampled documents (%.0f%%). %s",
                    field.equals("process.name") ? "Program" : "Logger", value.getKey(), sourceName, members.size(),
                    source.members.size(), 100.0 * members.size() / source.members.size(), summary(evidence));
                components.add(new Found("component", name, filter, members, sourceName, evidence,
                    confidence(filter, members, docs), description));
            }
            return components;
        }
        return List.of();
    }

    // ---- describing ------------------------------------------------------------------------------------------

    private Found describeSource(Source source, String name, List<Doc> docs, TemplateMiner.Result mined) {
        Map<String, Object> evidence = evidence(docs, source.members, null, mined);
        if (source.pivotField != null) {
            evidence.put("field", source.pivotField);
        } else {
            evidence.put("formats", source.formats);
            if (source.hosts != null) {
                evidence.put("hosts", source.hosts);
            }
        }
        String how = source.pivotField != null ? "documents whose " + source.pivotField + " is " + source.pivotValue
            : "lines with the header " + String.join(" or ", source.formats.subList(0, Math.min(2, source.formats.size())))
                + (source.formats.size() > 2 ? " (and " + (source.formats.size() - 2) + " variants)" : "")
                + (source.hosts == null ? "" : " from " + String.join(", ", source.hosts));
        String description = String.format(Locale.ROOT, "Log source: %s; %d of %d sampled documents (%.0f%%). %s", how,
            source.members.size(), docs.size(), 100.0 * source.members.size() / docs.size(), summary(evidence));
        Condition filter = source.filter();
        return new Found("source", name, filter, List.copyOf(source.members), null, evidence,
            confidence(filter, source.members, docs), description);
    }

    /** What a feature's documents show: their count, time range, top templates and top values of the pivot fields. */
    private Map<String, Object> evidence(List<Doc> docs, List<Integer> members, String componentField,
                                         TemplateMiner.Result mined) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("sample_count", members.size());
        Instant first = null;
        Instant last = null;
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i : members) {
            Doc doc = docs.get(i);
            counts.merge(mined.assignment()[i], 1, Integer::sum);
            if (doc.timestamp() != null) {
                first = first == null || doc.timestamp().isBefore(first) ? doc.timestamp() : first;
                last = last == null || doc.timestamp().isAfter(last) ? doc.timestamp() : last;
            }
        }
        if (first != null) {
            evidence.put("time_range", Map.of("from", first.toString(), "to", last.toString()));
        }
        // Templates were mined once over the whole sample: each feature counts its documents' ones.
        List<Integer> order = new ArrayList<>(counts.keySet());
        order.sort(Comparator.comparingInt((Integer t) -> -counts.get(t)).thenComparing(t -> mined.templates().get(t)));
        List<Map<String, Object>> templates = new ArrayList<>();
        for (int t : order.subList(0, Math.min(5, order.size()))) {
            templates.add(Map.of("template", mined.templates().get(t), "count", counts.get(t)));
        }
        evidence.put("templates", counts.size());
        // A few lines as they were written, one per frequent template, for the reviewer to read.
        List<String> samples = new ArrayList<>();
        Set<Integer> shown = new java.util.HashSet<>();
        for (int i : members) {
            int template = mined.assignment()[i];
            if (samples.size() < SAMPLE_LINES && order.indexOf(template) < SAMPLE_LINES && shown.add(template)) {
                Object message = docs.get(i).source().get("message");
                if (message != null) {
                    samples.add(abbreviate(String.valueOf(message), 300));
                }
            }
        }
        evidence.put("sample_lines", samples);
        evidence.put("top_templates", templates);
        Map<String, Object> topValues = new LinkedHashMap<>();
        for (String field : List.of("host.name", "process.name", "log.logger", "log.level", "service.name", "log.file.path")) {
            if (field.equals(componentField)) {
                continue;
            }
            Map<String, Integer> values = counts(docs, members, field);
            if (!values.isEmpty()) {
                topValues.put(field, sorted(values).subList(0, Math.min(5, values.size())).stream()
                    .map(e -> Map.of("value", e.getKey(), "count", e.getValue())).toList());
            }
        }
        evidence.put("top_values", topValues);
        if (componentField == null) {
            evidence.put("fields", fieldProfile(docs, members));
        }
        return evidence;
    }

    /** Fields whose values describe documents, not the line itself: left out of the profile. */
    private static final Set<String> NOT_PROFILED = Set.of("message", "@timestamp", "log.header_length", "log.format");
    /** How many example lines a feature's evidence shows. */
    private static final int SAMPLE_LINES = 3;
    /** How many fields a profile lists, most present first. */
    private static final int PROFILED_FIELDS = 20;

    /**
     * The fields of a source's documents: the share that carries each (emptiness), its type as the sample shows it,
     * how many distinct values it has (cardinality) and its most frequent ones.
     */
    private static List<Map<String, Object>> fieldProfile(List<Doc> docs, List<Integer> members) {
        Map<String, Map<String, Integer>> values = new TreeMap<>();
        Map<String, String> types = new HashMap<>();
        for (int i : members) {
            for (Map.Entry<String, Object> field : docs.get(i).source().entrySet()) {
                if (NOT_PROFILED.contains(field.getKey())) {
                    continue;
                }
                Object value = field.getValue() instanceof List<?> many && !many.isEmpty() ? many.get(0) : field.getValue();
                values.computeIfAbsent(field.getKey(), k -> new HashMap<>()).merge(String.valueOf(value), 1, Integer::sum);
                types.putIfAbsent(field.getKey(), value instanceof Number ? "number" : value instanceof Boolean ? "boolean"
                    : "string");
            }
        }
        List<Map<String, Object>> profile = new ArrayList<>();
        for (Map.Entry<String, Map<String, Integer>> field : values.entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            int present = total(field.getValue());
            entry.put("field", field.getKey());
            entry.put("type", types.get(field.getKey()));
            entry.put("present", Math.round(1000.0 * present / members.size()) / 1000.0);
            entry.put("distinct", field.getValue().size());
            entry.put("top", top(field.getValue(), 3));
            profile.add(entry);
        }
        profile.sort(Comparator.comparingDouble((Map<String, Object> e) -> -((Double) e.get("present")))
            .thenComparing(e -> (String) e.get("field")));
        return profile.subList(0, Math.min(PROFILED_FIELDS, profile.size()));
    }

    @SuppressWarnings("unchecked")
    private static String summary(Map<String, Object> evidence) {
        StringBuilder text = new StringBuilder();
        Object range = evidence.get("time_range");
        if (range instanceof Map<?, ?> r) {
            text.append("From ").append(r.get("from")).append(" to ").append(r.get("to")).append(". ");
        }
        List<Map<String, Object>> templates = (List<Map<String, Object>>) evidence.get("top_templates");
        if (templates != null && !templates.isEmpty()) {
            text.append("Frequent messages: ");
            text.append(templates.stream().limit(3).map(t -> "\"" + abbreviate(String.valueOf(t.get("template")), 80)
                + "\" (" + t.get("count") + ")").collect(Collectors.joining(", ")));
            text.append('.');
        }
        return text.toString();
    }

    /** How sure: the share of the documents its filter selects in the sample that are its own, scaled by support. */
    private static int confidence(Condition filter, List<Integer> members, List<Doc> docs) {
        Set<Integer> own = new java.util.HashSet<>(members);
        int selected = 0;
        int right = 0;
        for (int i = 0; i < docs.size(); i++) {
            if (filter.matches(docs.get(i).source())) {
                selected++;
                if (own.contains(i)) {
                    right++;
                }
            }
        }
        double precision = selected == 0 ? 0 : (double) right / selected;
        double recall = members.isEmpty() ? 0 : (double) right / members.size();
        double support = Math.min(1.0, members.size() / 20.0);
        return (int) Math.round(100 * precision * recall * (0.5 + 0.5 * support));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Word frequencies of the members' messages: words of letters, lower-cased, that are not values. */
    private static Map<String, Double> vocabulary(List<Doc> docs, List<Integer> members) {
        Map<String, Double> words = new HashMap<>();
        for (int i : members) {
            docs.get(i).words().forEach((word, count) -> words.merge(word, count, Double::sum));
        }
        return words;
    }

    /** One message's words (runs of letters, three or more, lower-cased) and how often each occurs. */
    static Map<String, Double> words(String content) {
        Map<String, Double> words = new HashMap<>();
        int start = -1;
        for (int i = 0; i <= content.length(); i++) {
            char c = i < content.length() ? content.charAt(i) : ' ';
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                if (i - start >= 3) {
                    words.merge(content.substring(start, i).toLowerCase(Locale.ROOT), 1.0, Double::sum);
                }
                start = -1;
            }
        }
        return words;
    }

    private static Map<String, Double> programs(List<Doc> docs, List<Integer> members) {
        Map<String, Double> programs = new HashMap<>();
        for (int i : members) {
            String program = docs.get(i).program();
            if (program != null) {
                programs.merge(program, 1.0, Double::sum);
            }
        }
        return programs;
    }

    static double cosine(Map<String, Double> a, Map<String, Double> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        double dot = 0;
        for (Map.Entry<String, Double> e : a.entrySet()) {
            Double other = b.get(e.getKey());
            if (other != null) {
                dot += e.getValue() * other;
            }
        }
        double na = Math.sqrt(a.values().stream().mapToDouble(v -> v * v).sum());
        double nb = Math.sqrt(b.values().stream().mapToDouble(v -> v * v).sum());
        return dot / (na * nb);
    }

    /** The timestamp layout a format names, or null. */
    static String layout(String format) {
        int at = format.indexOf("{ts:");
        return at < 0 ? null : format.substring(at + 4, format.indexOf('}', at));
    }

    private static Map<String, Integer> counts(List<Doc> docs, List<Integer> members, String field) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i : members) {
            Object value = docs.get(i).value(field);
            if (value != null) {
                counts.merge(String.valueOf(value), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int total(Map<String, Integer> counts) {
        int total = 0;
        for (int count : counts.values()) {
            total += count;
        }
        return total;
    }

    private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return entries;
    }

    private static List<String> top(Map<String, Integer> counts, int n) {
        return sorted(counts).stream().limit(n).map(Map.Entry::getKey).toList();
    }

    /** The package most loggers share, at least one segment of three letters and covering 60% of them; or null. */
    private static String commonPackage(Map<String, Integer> loggers) {
        int total = loggers.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            return null;
        }
        Map<String, Integer> prefixes = new HashMap<>();
        for (Map.Entry<String, Integer> logger : loggers.entrySet()) {
            String[] parts = logger.getKey().split("\\.");
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < parts.length - 1 && i < 3; i++) {
                prefix.append(i == 0 ? "" : ".").append(parts[i]);
                prefixes.merge(prefix.toString(), logger.getValue(), Integer::sum);
            }
        }
        return prefixes.entrySet().stream()
            .filter(e -> e.getValue() >= 0.6 * total && e.getKey().length() >= 3)
            .max(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length()))
            .map(Map.Entry::getKey).orElse(null);
    }

    private static String fileStem(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int log = name.indexOf(".log");
        return log > 0 ? name.substring(0, log) : name;
    }

    private static String shortName(String value) {
        int slash = value.lastIndexOf('/');
        return slash >= 0 && slash < value.length() - 1 ? value.substring(slash + 1) : value;
    }

    private static String unique(Set<String> names, String name) {
        String candidate = name;
        for (int n = 2; !names.add(candidate); n++) {
            candidate = name + " (" + n + ")";
        }
        return candidate;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}

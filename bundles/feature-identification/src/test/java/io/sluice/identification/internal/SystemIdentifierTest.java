package io.sluice.identification.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.streams.LogDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sources and components on crafted streams whose answer is obvious, and on two real LogHub systems mixed. F1 is
 * measured with each feature's filter over every line, as the quality tool does, against a floor (0.9) under the
 * goal so the test stays stable.
 */
class SystemIdentifierTest {

    private static final Instant INGEST = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void twoFormatsAreTwoSourcesAndTheLoggersOfOneAreItsComponents() {
        List<String> lines = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add(String.format("2024-03-01 10:%02d:%02d,123 INFO [main] com.shop.%s: order %d placed", i % 60, i % 60,
                i % 2 == 0 ? "Orders" : "Payments", i));
            truth.add("shop");
            lines.add(String.format("[Fri Mar 01 10:%02d:%02d 2024] [notice] child %d started", i % 60, i % 60, 1000 + i));
            truth.add("web");
        }
        List<Map<String, Object>> docs = documents(lines);
        List<SystemIdentifier.Found> found = new SystemIdentifier().identify(docs, () -> false);
        assertTrue(f1(found, "source", docs, truth, "shop") >= 0.999, describe(found));
        assertTrue(f1(found, "source", docs, truth, "web") >= 0.999, describe(found));
        assertEquals(2, found.stream().filter(f -> f.kind().equals("source")).count(), describe(found));
        List<SystemIdentifier.Found> components = found.stream().filter(f -> f.kind().equals("component")).toList();
        assertEquals(List.of("com.shop.Orders", "com.shop.Payments"),
            components.stream().map(SystemIdentifier.Found::name).sorted().toList(), describe(found));
        assertTrue(components.stream().allMatch(c -> c.parentName() != null));
    }

    @Test
    void twoMachinesSyslogsInOneFormatAreTwoSources() {
        List<String> lines = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        String[] dbPrograms = {"postgres", "pgbouncer", "cron"};
        String[] webPrograms = {"nginx", "php-fpm", "certbot"};
        for (int i = 0; i < 90; i++) {
            lines.add(String.format("Mar  1 10:00:%02d db-1 %s[%d]: checkpoint complete: wrote %d buffers", i % 60,
                dbPrograms[i % 3], 100 + i % 3, i));
            truth.add("db");
            lines.add(String.format("Mar  1 10:00:%02d web-1 %s[%d]: GET /index.html served in %d ms", i % 60,
                webPrograms[i % 3], 200 + i % 3, i));
            truth.add("web");
        }
        List<Map<String, Object>> docs = documents(lines);
        List<SystemIdentifier.Found> found = new SystemIdentifier().identify(docs, () -> false);
        assertTrue(f1(found, "source", docs, truth, "db") >= 0.999, describe(found));
        assertTrue(f1(found, "source", docs, truth, "web") >= 0.999, describe(found));
    }

    @Test
    void hdfsAndAMacSyslogMixedAreEachFoundWithTheirProgramsAsComponents() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        List<String> programs = new ArrayList<>();
        for (String system : List.of("HDFS", "Mac")) {
            LogDocuments reader = new LogDocuments(ZoneOffset.UTC, INGEST);
            for (String line : resource("loghub/" + system + "_1k.log")) {
                Map<String, Object> doc = reader.next(line);
                docs.add(doc);
                truth.add(system);
                Object program = Fields.first(doc, "process.name");
                programs.add(system.equals("Mac") && program != null ? String.valueOf(program) : "-");
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        List<Map<String, Object>> sample = order.subList(0, 1000).stream().map(docs::get).toList();
        List<SystemIdentifier.Found> found = new SystemIdentifier().identify(sample, () -> false);
        assertTrue(f1(found, "source", docs, truth, "HDFS") >= 0.9, describe(found));
        assertTrue(f1(found, "source", docs, truth, "Mac") >= 0.9, describe(found));
        assertTrue(f1(found, "component", docs, programs, "kernel") >= 0.9, describe(found));
    }

    @Test
    void cancellationStopsTheAnalysis() {
        List<Map<String, Object>> docs = documents(List.of("2024-03-01 10:00:00,000 INFO [main] a.B: x"));
        assertEquals(List.of(), new SystemIdentifier().identify(docs, () -> true));
    }

    /** The best F1, over the features of a level, of selecting the lines labelled {@code label}. */
    static double f1(List<SystemIdentifier.Found> found, String level, List<Map<String, Object>> docs, List<String> labels,
                     String label) {
        double best = 0;
        long positives = labels.stream().filter(label::equals).count();
        for (SystemIdentifier.Found feature : found) {
            if (!feature.kind().equals(level)) {
                continue;
            }
            int selected = 0;
            int right = 0;
            for (int i = 0; i < docs.size(); i++) {
                if (feature.filter().matches(docs.get(i))) {
                    selected++;
                    if (labels.get(i).equals(label)) {
                        right++;
                    }
                }
            }
            double precision = selected == 0 ? 0 : (double) right / selected;
            double recall = (double) right / positives;
            best = Math.max(best, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        }
        return best;
    }

    private static List<Map<String, Object>> documents(List<String> lines) {
        LogDocuments reader = new LogDocuments(ZoneOffset.UTC, INGEST);
        return lines.stream().map(reader::next).toList();
    }

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = SystemIdentifierTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static String describe(List<SystemIdentifier.Found> found) {
        StringBuilder text = new StringBuilder();
        found.forEach(f -> text.append('\n').append(f.kind()).append(' ').append(f.name()).append(' ').append(f.filter().toJson()));
        return text.toString();
    }
}

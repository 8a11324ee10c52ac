package io.sluice.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.identification.internal.TemplateMiner;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./sluice quality}: how well feature identification finds the systems in LogHub-style logs, scored against
 * their ground truth, through the real task on a real node.
 *
 * <p>Ingests the chosen systems ({@code <data>/<System>/<System>_2k.log}) into one stream over HTTP, as a user would,
 * runs {@code streams_feature_identification} through the scheduler, and for every system prints the feature whose
 * query best selects that system's lines (precision, recall, F1, each query run by OpenSearch over the whole stream),
 * then the share of documents no feature selects. With {@code -Dprograms=SYSTEM} the truth is the {@code Component}
 * column of that one system's structured file and the features scored are components (programs with at least 2% of
 * the lines). Per system it also prints the template miner's grouping accuracy against {@code EventId}. Lines are
 * matched to their truth by their exact text; a line whose text appears under two labels is left out of the scores.
 * Prints the tables whatever the scores and exits 0.
 */
public final class QualityReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "quality";

    private QualityReport() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("data", "../shared/data/loghub")).toAbsolutePath().normalize();
        String programs = blankToNull(System.getProperty("programs"));
        List<String> systems = programs != null ? List.of(programs) : blankToNull(System.getProperty("systems")) == null
            ? available(data) : Arrays.asList(System.getProperty("systems").split(","));
        if (systems.isEmpty()) {
            System.out.println("No LogHub systems in " + data + " (folders <System>/<System>_2k.log): nothing to measure");
            return;
        }
        // The truth: by the exact text of each line; null where one text carries two labels.
        Map<String, String> truth = new HashMap<>();
        Map<String, List<String>> linesOf = new LinkedHashMap<>();
        for (String system : systems) {
            List<String> lines = Files.readAllLines(data.resolve(system).resolve(system + "_2k.log"), StandardCharsets.UTF_8);
            List<String> labels = programs != null ? column(data, system, "Component") : null;
            linesOf.put(system, lines);
            for (int i = 0; i < lines.size(); i++) {
                String label = labels == null ? system : labels.get(i);
                String line = lines.get(i);
                if (truth.containsKey(line) && !label.equals(truth.get(line))) {
                    truth.put(line, null);
                } else {
                    truth.putIfAbsent(line, label);
                }
            }
        }

        Path home = Files.createTempDirectory("sluice-quality-");
        run(List.of("tar", "xzf", System.getProperty("sluice.assembly"), "-C", home.toString(), "--strip-components=1"), Map.of());
        Map<String, String> env = Map.of(
            "SLUICE_SSH_PORT", String.valueOf(freePort()), "SLUICE_HTTP_PORT", String.valueOf(freePort()),
            "SLUICE_RMI_REGISTRY_PORT", String.valueOf(freePort()), "SLUICE_RMI_SERVER_PORT", String.valueOf(freePort()),
            "SLUICE_OPENSEARCH_PORT", String.valueOf(freePort()), "SLUICE_ADMIN_PASSWORD", "quality-pw");
        String sluice = home.resolve("bin/sluice").toString();
        run(List.of("bash", sluice, "start"), env);
        try {
            URI api = URI.create("http://127.0.0.1:" + env.get("SLUICE_HTTP_PORT"));
            URI opensearch = URI.create("http://127.0.0.1:" + env.get("SLUICE_OPENSEARCH_PORT"));
            HttpClient http = HttpClient.newHttpClient();
            String auth = "Basic " + Base64.getEncoder().encodeToString("admin:quality-pw".getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, List<String>> system : linesOf.entrySet()) {
                JsonNode ingested = call(http, HttpRequest.newBuilder(api.resolve("/internal/streams/" + STREAM + "/_ingest"))
                    .header("Authorization", auth).header("kbn-xsrf", "quality").header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", system.getValue()) + "\n")).build());
                System.out.printf("ingested %-12s %s lines, %s rejected%n", system.getKey(), ingested.get("indexed"),
                    ingested.get("rejected"));
            }
            long scheduledAt = System.nanoTime();
            call(http, HttpRequest.newBuilder(api.resolve("/internal/streams/" + STREAM
                + "/features/_identify?schedule=true&from=0&to=4102444800000")).header("Authorization", auth).header("kbn-xsrf", "quality")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
            JsonNode result = awaitCompleted(http, api, auth);
            long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scheduledAt);

            // Score each feature's query over the whole stream, as OpenSearch runs it.
            call(http, HttpRequest.newBuilder(opensearch.resolve("/" + STREAM + "/_settings"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"index\":{\"max_result_window\":1000000}}")).build());
            String level = programs != null ? "component" : "source";
            List<Scored> scored = new ArrayList<>();
            Set<String> matchedByAny = new HashSet<>();
            long total = 0;
            for (JsonNode feature : result.get("features")) {
                Map<String, Integer> selected = new HashMap<>();
                List<String> messages = messages(http, opensearch, feature.get("query"));
                matchedByAny.addAll(messages);
                for (String message : messages) {
                    String label = truth.get(message);
                    selected.merge(label == null ? "?" : label, 1, Integer::sum);
                }
                if (feature.get("level").asText().equals(level)) {
                    scored.add(new Scored(feature.get("name").asText(), selected, messages.size()));
                }
            }
            Map<String, Integer> lineCounts = new TreeMap<>();
            for (List<String> lines : linesOf.values()) {
                for (String line : lines) {
                    String label = truth.get(line);
                    if (label != null) {
                        lineCounts.merge(label, 1, Integer::sum);
                    }
                    total++;
                }
            }

            System.out.printf("%nFeature identification of %d %s (%s), %d lines: %d features; task %d ms (analysis %d ms), "
                    + "schedule to completed %d ms, sample %d%n%n", systems.size(), programs != null ? "programs of " + programs
                    : "systems", String.join(", ", systems), total, result.get("features").size(), result.get("took_ms").asLong(),
                result.get("analysis_ms").asLong(), wallMillis, result.get("sample_size").asInt());
            System.out.printf("%-40s %6s  %-40s %9s %7s %7s%n", programs != null ? "Program (Component)" : "System", "Lines",
                "Best " + level + " feature", "Precision", "Recall", "F1");
            double minF1 = 1;
            int scoredLabels = 0;
            for (Map.Entry<String, Integer> label : lineCounts.entrySet()) {
                if (programs != null && label.getValue() < 0.02 * total) {
                    continue; // the goal covers programs with at least 2% of the lines
                }
                Scored best = null;
                double bestF1 = 0;
                for (Scored candidate : scored) {
                    double f1 = candidate.f1(label.getKey(), label.getValue());
                    if (f1 > bestF1) {
                        best = candidate;
                        bestF1 = f1;
                    }
                }
                scoredLabels++;
                minF1 = Math.min(minF1, bestF1);
                System.out.printf(Locale.ROOT, "%-40s %6d  %-40s %9.3f %7.3f %7.3f%n", abbreviate(label.getKey(), 40), label.getValue(),
                    best == null ? "(none)" : abbreviate(best.name(), 40),
                    best == null ? 0 : best.precision(label.getKey()), best == null ? 0 : best.recall(label.getKey(), label.getValue()),
                    bestF1);
            }
            System.out.printf(Locale.ROOT, "%nmin F1 %.3f over %d %s; unmatched %.2f%% (task's own figure %.2f%%)%n", minF1,
                scoredLabels, programs != null ? "programs" : "systems",
                100.0 * (total - matchedLines(linesOf, matchedByAny)) / total, 100 * result.get("unmatched_ratio").asDouble());

            // Timings: the first run above (a fresh node: classes load, code is interpreted), the same again, and
            // the tuning sample of 10,000 documents.
            String identify = "/internal/streams/" + STREAM + "/features/_identify";
            List<String> timings = new ArrayList<>();
            timings.add(timing("first run (cold)", result, wallMillis));
            for (int run = 0; run < 2; run++) {
                call(http, HttpRequest.newBuilder(api.resolve(identify + "?acknowledge=true")).header("Authorization", auth).header("kbn-xsrf", "quality")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
                long at = System.nanoTime();
                if (run == 0) {
                    call(http, HttpRequest.newBuilder(api.resolve(identify + "?schedule=true&from=0&to=4102444800000"))
                        .header("Authorization", auth).header("kbn-xsrf", "quality").POST(HttpRequest.BodyPublishers.noBody()).build());
                } else {
                    call(http, HttpRequest.newBuilder(api.resolve("/api/tasks")).header("Authorization", auth).header("kbn-xsrf", "quality")
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"type\":\"streams_feature_identification\",\"stream\":\"" + STREAM + "\",\"params\":"
                                + "{\"start\":0,\"end\":4102444800000,\"sample_size\":10000}}")).build());
                }
                JsonNode again = awaitCompleted(http, api, auth);
                timings.add(timing(run == 0 ? "second run (warm)" : "sample_size 10000", again,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at)));
            }
            System.out.printf("%n%-20s %8s %12s %9s %22s%n", "Identification", "sample", "analysis ms", "task ms",
                "schedule->completed ms");
            timings.forEach(System.out::println);

            System.out.printf("%nTemplate grouping accuracy (miner alone, one setting for all, against EventId):%n");
            double sum = 0;
            for (String system : systems) {
                double accuracy = groupingAccuracy(data, system);
                sum += accuracy;
                System.out.printf(Locale.ROOT, "  %-12s %.3f%n", system, accuracy);
            }
            System.out.printf(Locale.ROOT, "  %-12s %.3f%n", "average", sum / systems.size());
        } finally {
            run(List.of("bash", sluice, "stop"), env);
        }
    }

    private static String timing(String name, JsonNode result, long wallMillis) {
        return String.format(Locale.ROOT, "%-20s %8d %12d %9d %22d", name, result.get("sample_size").asInt(),
            result.get("analysis_ms").asLong(), result.get("took_ms").asLong(), wallMillis);
    }

    /** A feature's selection: how many lines of each label its query selected. */
    private record Scored(String name, Map<String, Integer> selected, int count) {
        double precision(String label) {
            return count == 0 ? 0 : (double) selected.getOrDefault(label, 0) / count;
        }

        double recall(String label, int lines) {
            return lines == 0 ? 0 : (double) selected.getOrDefault(label, 0) / lines;
        }

        double f1(String label, int lines) {
            double p = precision(label);
            double r = recall(label, lines);
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    private static long matchedLines(Map<String, List<String>> linesOf, Set<String> matched) {
        return linesOf.values().stream().flatMap(List::stream).filter(matched::contains).count();
    }

    /** The messages of every document the query selects. */
    private static List<String> messages(HttpClient http, URI opensearch, JsonNode query) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.set("query", query);
        body.put("size", 1_000_000);
        body.putArray("_source").add("message");
        JsonNode response = call(http, HttpRequest.newBuilder(opensearch.resolve("/" + STREAM + "/_search"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        List<String> messages = new ArrayList<>();
        for (JsonNode hit : response.get("hits").get("hits")) {
            messages.add(hit.get("_source").get("message").asText());
        }
        return messages;
    }

    private static JsonNode awaitCompleted(HttpClient http, URI api, String auth) throws IOException, InterruptedException {
        String etag = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve("/internal/streams/" + STREAM
                + "/features/_status" + (etag == null ? "" : "?wait_for_change=30s"))).header("Authorization", auth).header("kbn-xsrf", "quality");
            if (etag != null) {
                request.header("If-None-Match", etag);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 304) {
                continue;
            }
            JsonNode status = JSON.readTree(response.body());
            etag = response.headers().firstValue("ETag").orElse(null);
            switch (status.get("status").asText()) {
                case "completed" -> {
                    return status;
                }
                case "failed", "canceled", "stale" -> throw new IllegalStateException("identification ended " + status);
                default -> {
                }
            }
        }
        throw new IllegalStateException("identification did not complete within 5 minutes");
    }

    /** The share of lines whose mined group is exactly the set of lines sharing their EventId. */
    private static double groupingAccuracy(Path data, String system) throws IOException {
        List<String> contents = column(data, system, "Content");
        List<String> events = column(data, system, "EventId");
        int[] mined = new TemplateMiner().mine(contents).assignment();
        Map<Integer, Set<Integer>> groups = new HashMap<>();
        Map<String, Set<Integer>> truth = new HashMap<>();
        for (int i = 0; i < contents.size(); i++) {
            groups.computeIfAbsent(mined[i], k -> new HashSet<>()).add(i);
            truth.computeIfAbsent(events.get(i), k -> new HashSet<>()).add(i);
        }
        int right = 0;
        for (int i = 0; i < contents.size(); i++) {
            if (groups.get(mined[i]).equals(truth.get(events.get(i)))) {
                right++;
            }
        }
        return contents.isEmpty() ? 0 : (double) right / contents.size();
    }

    /** One column of {@code <System>_2k.log_structured.csv} (RFC 4180 quoting), in line order. */
    static List<String> column(Path data, String system, String name) throws IOException {
        List<String> rows = Files.readAllLines(data.resolve(system).resolve(system + "_2k.log_structured.csv"), StandardCharsets.UTF_8);
        List<String> header = csv(rows.get(0));
        int at = header.indexOf(name);
        if (at < 0) {
            throw new IllegalArgumentException(system + " has no column " + name + " (columns: " + header + ")");
        }
        List<String> values = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            List<String> cells = csv(row);
            values.add(at < cells.size() ? cells.get(at) : "");
        }
        return values;
    }

    static List<String> csv(String row) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    private static List<String> available(Path data) throws IOException {
        if (!Files.isDirectory(data)) {
            return List.of();
        }
        try (var folders = Files.list(data)) {
            return folders.filter(folder -> Files.exists(folder.resolve(folder.getFileName() + "_2k.log")))
                .map(folder -> folder.getFileName().toString()).sorted().toList();
        }
    }

    private static JsonNode call(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            byte[] bytes = body.readAllBytes();
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                    + new String(bytes, StandardCharsets.UTF_8));
            }
            return JSON.readTree(bytes);
        }
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

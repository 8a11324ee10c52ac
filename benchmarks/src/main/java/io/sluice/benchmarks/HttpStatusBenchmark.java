package io.sluice.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Issue 5's figure: status reads over HTTP ({@code GET /api/tasks/{id}}, authenticated) at a fixed rate from many
 * clients, against the same load on a raw OpenSearch GET by id, in the same run, on the real distribution.
 *
 * <p>The load is open-loop: each client has a schedule of send times, and a request's latency is counted from when it
 * was due, not from when it was sent, so a slow server cannot hide behind slowed clients (coordinated omission).
 *
 * <pre>./sluice bench http     (-Drate=1000 -Dclients=50 -Dwarmup=10 -Dmeasure=20)</pre>
 */
public final class HttpStatusBenchmark {

    private HttpStatusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rate = Integer.getInteger("rate", 1000);
        int clients = Integer.getInteger("clients", 50);
        Duration warmup = Measure.seconds("warmup", 10);
        Duration measure = Measure.seconds("measure", 20);
        Path tarball = Path.of(System.getProperty("sluice.assembly"));
        Path home = Files.createTempDirectory("sluice-http-bench-");
        run(List.of("tar", "xzf", tarball.toString(), "-C", home.toString(), "--strip-components=1"), Map.of());
        Map<String, String> env = Map.of(
            "SLUICE_SSH_PORT", String.valueOf(freePort()), "SLUICE_HTTP_PORT", String.valueOf(freePort()),
            "SLUICE_RMI_REGISTRY_PORT", String.valueOf(freePort()), "SLUICE_RMI_SERVER_PORT", String.valueOf(freePort()),
            "SLUICE_OPENSEARCH_PORT", String.valueOf(freePort()), "SLUICE_ADMIN_PASSWORD", "bench-pw");
        String sluice = home.resolve("bin/sluice").toString();
        run(List.of("bash", sluice, "start"), env);
        try {
            URI api = URI.create("http://127.0.0.1:" + env.get("SLUICE_HTTP_PORT"));
            URI opensearch = URI.create("http://127.0.0.1:" + env.get("SLUICE_OPENSEARCH_PORT"));
            run(List.of("bash", sluice, "console", "bundle:install -s mvn:io.sluice/sluice-sample-tasks/"
                + System.getProperty("sluice.version")), env);
            ExecutorService io = Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "bench-http");
                thread.setDaemon(true);
                return thread;
            });
            HttpClient http = HttpClient.newBuilder().executor(io).build();
            String auth = "Basic " + Base64.getEncoder().encodeToString("admin:bench-pw".getBytes(StandardCharsets.UTF_8));
            send(http, HttpRequest.newBuilder(opensearch.resolve("/logs.bench")).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build());
            HttpResponse<String> scheduled = send(http, HttpRequest.newBuilder(api.resolve("/api/tasks"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"sample_sleep\",\"stream\":\"logs.bench\","
                    + "\"params\":{\"steps\":100000,\"stepMillis\":1000}}"))
                .header("Content-Type", "application/json").header("Authorization", auth).header("kbn-xsrf", "bench").build());
            if (scheduled.statusCode() / 100 != 2) {
                throw new IllegalStateException("schedule failed: " + scheduled.body());
            }
            HttpRequest status = HttpRequest.newBuilder(api.resolve("/api/tasks/sample_sleep_logs.bench"))
                .header("Authorization", auth).build();
            HttpRequest raw = HttpRequest.newBuilder(opensearch.resolve("/.sluice-tasks/_doc/default:sample_sleep_logs.bench")).build();

            System.out.printf("Sluice HTTP status reads: %d requests/s from %d clients, open loop, warm-up %d s, measure %d s, "
                + "Java %s, %d cores (Karaf, OpenSearch and these clients share them)%n%n", rate, clients,
                warmup.toSeconds(), measure.toSeconds(), Runtime.version().feature(), Runtime.getRuntime().availableProcessors());
            Result baseline = paced("raw OpenSearch GET by id", http, raw, rate, clients, warmup, measure);
            Result sluiceStatus = paced("GET /api/tasks/{id} (Basic auth)", http, status, rate, clients, warmup, measure);
            System.out.println("  " + baseline.line());
            System.out.println("  " + sluiceStatus.line() + String.format(Locale.ROOT, "   | x%.2f rate, x%.2f p50, x%.2f p99 of raw",
                (double) sluiceStatus.answered() / baseline.answered(), sluiceStatus.p(50) / baseline.p(50),
                sluiceStatus.p(99) / baseline.p(99)));
            closedLoopWithAb(auth, status.uri(), raw.uri());
            waitingLongPolls(home, api, auth, Integer.getInteger("polls", 1000));
            io.shutdownNow();
        } finally {
            run(List.of("bash", sluice, "stop"), env);
        }
    }

    /**
     * What a paced run measured.
     *
     * @param answered responses received (any status) while the measurement window was open, by wall clock
     * @param failed responses in that window that were not 200
     */
    private record Result(String name, long answered, long failed, double seconds, Histogram latencies) {
        double p(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1e6;
        }

        String line() {
            return String.format(Locale.ROOT, "%-36s %6.0f responses/s, %d not 200   p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms",
                name, answered / seconds, failed, p(50), p(99), latencies.getMaxValue() / 1e6);
        }
    }

    private static Result paced(String name, HttpClient http, HttpRequest request, int rate, int clients, Duration warmup,
                                Duration measure) throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) * clients / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        AtomicLong failed = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Histogram>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long offset = interval * c / clients;
            results.add(pool.submit(() -> {
                Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                for (long due = start + offset; due < end; due += interval) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    HttpResponse<String> response = send(http, request);
                    long now = System.nanoTime();
                    long latency = now - due;
                    // The rate is what came back inside the window, not what was due: a saturated server answers late.
                    if (now >= measureFrom && now < end) {
                        answered.incrementAndGet();
                        if (response.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                    }
                    if (due >= measureFrom) {
                        histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
                    }
                }
                return histogram;
            }));
        }
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (Future<Histogram> result : results) {
            all.add(result.get());
        }
        pool.shutdown();
        return new Result(name, answered.get(), failed.get(), measure.toNanos() / 1e9, all);
    }

    /**
     * Many clients waiting on a long poll at once: the Karaf JVM's threads and resident memory before and while they
     * wait (read from /proc), then one change that answers them all, and how long the last answer took.
     */
    private static void waitingLongPolls(Path home, URI api, String auth, int polls) throws Exception {
        long karaf = Long.parseLong(Files.readString(home.resolve("karaf.pid")).trim());
        ExecutorService io = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder().executor(io).build();
        String body = "{\"type\":\"sample_sleep\",\"id\":\"polled-by-many\",\"params\":{\"steps\":1,\"stepMillis\":600000}}";
        send(http, HttpRequest.newBuilder(api.resolve("/api/tasks")).POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json").header("Authorization", auth).header("kbn-xsrf", "bench").build());
        HttpRequest read = HttpRequest.newBuilder(api.resolve("/api/tasks/polled-by-many")).header("Authorization", auth).build();
        String etag = send(http, read).headers().firstValue("ETag").orElseThrow();
        long[] before = proc(karaf);
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        HttpRequest poll = HttpRequest.newBuilder(api.resolve("/api/tasks/polled-by-many?wait_for_change=60s"))
            .timeout(Duration.ofSeconds(90)).header("Authorization", auth).header("If-None-Match", etag).build();
        for (int i = 0; i < polls; i++) {
            waiting.add(http.sendAsync(poll, HttpResponse.BodyHandlers.ofString()));
        }
        TimeUnit.SECONDS.sleep(5); // let every request arrive and suspend: there is nothing to await but the server
        long[] during = proc(karaf);
        long changed = System.nanoTime();
        send(http, HttpRequest.newBuilder(api.resolve("/api/tasks/polled-by-many/_cancel"))
            .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", auth).header("kbn-xsrf", "bench").build());
        int answered = 0;
        int changedAnswers = 0;
        for (var future : waiting) {
            HttpResponse<String> response = future.get(90, TimeUnit.SECONDS);
            answered++;
            if (response.statusCode() == 200) {
                changedAnswers++;
            }
        }
        double lastAnswerMs = (System.nanoTime() - changed) / 1e6;
        System.out.printf(Locale.ROOT, "%n%d concurrent long polls (wait_for_change=60s) on one node, Karaf JVM from /proc:%n"
                + "  before: %d threads, RSS %d MB    while %d wait: %d threads, RSS %d MB%n"
                + "  one cancel answered %d of them (%d with the change) within %.0f ms%n",
            polls, before[0], before[1] / 1024, polls, during[0], during[1] / 1024, answered, changedAnswers, lastAnswerMs);
        io.shutdownNow();
    }

    /** Threads and resident memory (kB) of a process, from /proc/PID/status. */
    private static long[] proc(long pid) throws IOException {
        long threads = -1;
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.substring(8).trim());
            } else if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).replace("kB", "").trim());
            }
        }
        return new long[] {threads, rss};
    }

    /**
     * The same reads closed-loop with Apache Bench, as an operator would check them: 20,000 requests from 50
     * connections, Sluice and the raw GET alternating twice. Skipped with a note when {@code ab} is not installed
     * ({@code apt-get install apache2-utils}).
     */
    private static void closedLoopWithAb(String auth, URI sluice, URI raw) throws IOException, InterruptedException {
        List<String> sluiceCommand = List.of("ab", "-q", "-n", "20000", "-c", "50", "-H", "Authorization: " + auth, sluice.toString());
        List<String> rawCommand = List.of("ab", "-q", "-n", "20000", "-c", "50", raw.toString());
        System.out.printf("%nClosed loop with Apache Bench (ab -n 20000 -c 50 [-H 'Authorization: Basic ...'] URL):%n");
        try {
            new ProcessBuilder("ab", "-V").redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            System.out.println("  skipped: ab is not installed (apt-get install apache2-utils)");
            return;
        }
        for (int round = 1; round <= 2; round++) {
            String[] rawFigures = ab(rawCommand);
            String[] sluiceFigures = ab(sluiceCommand);
            System.out.printf(Locale.ROOT, "  round %d  raw GET: %s req/s, p99 %s ms, %s failed   Sluice: %s req/s, p99 %s ms, %s failed"
                    + "   | x%.2f rate%n", round, rawFigures[0], rawFigures[1], rawFigures[2], sluiceFigures[0], sluiceFigures[1],
                sluiceFigures[2], Double.parseDouble(sluiceFigures[0]) / Double.parseDouble(rawFigures[0]));
        }
    }

    /**
     * Runs ab; returns requests per second, the 99th percentile in ms, and the count of non-2xx answers and broken
     * connections (ab's "Length" failures are not failures here: a running task's progress changes the body length).
     */
    private static String[] ab(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        java.util.regex.Matcher rate = java.util.regex.Pattern.compile("Requests per second:\\s+([0-9.]+)").matcher(output);
        java.util.regex.Matcher p99 = java.util.regex.Pattern.compile("\\n\\s+99%\\s+(\\d+)").matcher(output);
        java.util.regex.Matcher failed = java.util.regex.Pattern.compile("Connect: (\\d+), Receive: (\\d+), Length: \\d+, "
            + "Exceptions: (\\d+)").matcher(output);
        java.util.regex.Matcher non2xx = java.util.regex.Pattern.compile("Non-2xx responses:\\s+(\\d+)").matcher(output);
        if (!rate.find() || !p99.find()) {
            throw new IllegalStateException("ab printed no figures:\n" + output);
        }
        long bad = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        if (failed.find()) {
            bad += Long.parseLong(failed.group(1)) + Long.parseLong(failed.group(2)) + Long.parseLong(failed.group(3));
        }
        return new String[] {rate.group(1), p99.group(1), String.valueOf(bad)};
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
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

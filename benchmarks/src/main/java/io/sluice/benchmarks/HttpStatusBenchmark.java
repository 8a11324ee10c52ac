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
                .header("Content-Type", "application/json").header("Authorization", auth).build());
            if (scheduled.statusCode() != 200) {
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
            System.out.println("  " + sluiceStatus.line() + String.format(Locale.ROOT, "   | x%.2f p50, x%.2f p99 of raw",
                sluiceStatus.p(50) / baseline.p(50), sluiceStatus.p(99) / baseline.p(99)));
            io.shutdownNow();
        } finally {
            run(List.of("bash", sluice, "stop"), env);
        }
    }

    /** What a paced run measured. */
    private record Result(String name, long sent, long failed, double seconds, Histogram latencies) {
        double p(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1e6;
        }

        String line() {
            return String.format(Locale.ROOT, "%-36s %6.0f req/s achieved, %d failed   p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms",
                name, sent / seconds, failed, p(50), p(99), latencies.getMaxValue() / 1e6);
        }
    }

    private static Result paced(String name, HttpClient http, HttpRequest request, int rate, int clients, Duration warmup,
                                Duration measure) throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) * clients / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        AtomicLong failed = new AtomicLong();
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
                    long latency = System.nanoTime() - due;
                    if (response.statusCode() != 200) {
                        failed.incrementAndGet();
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
        return new Result(name, all.getTotalCount(), failed.get(), measure.toNanos() / 1e9, all);
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

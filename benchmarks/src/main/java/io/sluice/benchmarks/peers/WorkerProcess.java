package io.sluice.benchmarks.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PeerWorker} in its own JVM, as the benchmark sees it: commands in, events and answers out. Its stderr goes
 * to a log under {@code target/bench/}. Closing it asks it to quit and kills it if it does not within 20 s.
 */
final class WorkerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Writer commands;
    private final Map<String, Long> starts = new ConcurrentHashMap<>();
    private final Map<String, Long> cancels = new ConcurrentHashMap<>();
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Object events = new Object();
    private volatile String settings;
    private volatile boolean ready;

    private WorkerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "peer-worker-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a worker and waits until its system is started. */
    static WorkerProcess start(String name, List<String> options, Path logs) throws Exception {
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g", "-cp", System.getProperty("java.class.path"), PeerWorker.class.getName()));
        command.addAll(options);
        Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve(name.replaceAll("[^A-Za-z0-9.-]", "_") + ".log").toFile()))
            .start();
        WorkerProcess worker = new WorkerProcess(name, process);
        worker.awaitReady(Duration.ofMinutes(2));
        return worker;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("@@ ")) {
                    continue;
                }
                String[] words = line.substring(3).split(" ", 3);
                synchronized (events) {
                    switch (words[0]) {
                        case "S" -> starts.putIfAbsent(words[1], Long.parseLong(words[2]));
                        case "C" -> cancels.putIfAbsent(words[1], Long.parseLong(words[2]));
                        case "READY" -> {
                            settings = words.length > 2 ? words[2] : "";
                            ready = true;
                        }
                        case "R" -> answers.add(line.substring(5));
                        default -> System.err.println(name + ": " + line.substring(3));
                    }
                    events.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended.
        } finally {
            synchronized (events) {
                events.notifyAll();
            }
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (!ready && process.isAlive() && System.nanoTime() < until) {
                events.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            }
        }
        if (!ready) {
            close();
            throw new IllegalStateException("worker " + name + " did not start (see target/bench/" + name + ".log)");
        }
    }

    String settings() {
        return settings;
    }

    long pid() {
        return process.pid();
    }

    /** Sends a command without waiting. */
    void send(String command) throws IOException {
        synchronized (commands) {
            commands.write(command + "\n");
            commands.flush();
        }
    }

    /** Sends a command and waits for its answer. */
    String ask(String command, Duration timeout) throws Exception {
        send(command);
        String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            throw new IllegalStateException(name + " did not answer '" + command + "' within " + timeout.toSeconds() + " s");
        }
        if (answer.startsWith("error")) {
            throw new IllegalStateException(name + " answered '" + command + "' with " + answer);
        }
        return answer;
    }

    /** When the run of {@code id} started here (nanoTime), waiting up to {@code timeout}; null if it did not. */
    Long awaitStart(String id, Duration timeout) throws InterruptedException {
        return await(starts, id, timeout);
    }

    /** When the run of {@code id} saw its cancellation here; null if it did not within {@code timeout}. */
    Long awaitCancel(String id, Duration timeout) throws InterruptedException {
        return await(cancels, id, timeout);
    }

    /** Runs started here so far. */
    Map<String, Long> starts() {
        return starts;
    }

    private Long await(Map<String, Long> map, String id, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (!map.containsKey(id) && process.isAlive() && System.nanoTime() < until) {
                events.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            }
            return map.get(id);
        }
    }

    /** Resident memory of the worker process, in MiB (Linux /proc). */
    double residentMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** Dies without a word: SIGKILL. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("quit");
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package io.sluice.benchmarks.peers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL from Debian's package for the peers: installed if missing (as root), a fresh data folder in
 * a temporary directory, a free loopback port, trust authentication on loopback only, stopped and deleted on close.
 * Settings are PostgreSQL's defaults (fsync and synchronous commit on: as durable as OpenSearch's per-request translog
 * fsync) except for more connections.
 */
final class Postgres implements AutoCloseable {

    private final Path bin;
    private final Path home;
    private final Path data;
    private final int port;
    private final boolean asRoot;

    private Postgres(Path bin, Path home, int port, boolean asRoot) {
        this.bin = bin;
        this.home = home;
        this.data = home.resolve("data");
        this.port = port;
        this.asRoot = asRoot;
    }

    static Postgres start() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path bin = findBin();
        if (bin == null) {
            if (!root) {
                throw new IllegalStateException("PostgreSQL is not installed: run 'apt-get install -y postgresql' as root");
            }
            System.out.println("Installing PostgreSQL from Debian's packages (apt-get install -y postgresql) ...");
            run(List.of("apt-get", "install", "-y", "-q", "postgresql"), false);
            bin = findBin();
            if (bin == null) {
                throw new IllegalStateException("apt-get installed postgresql, but no /usr/lib/postgresql/*/bin/pg_ctl exists");
            }
        }
        Path home = Files.createTempDirectory("sluice-peers-pg-");
        if (root) {
            // PostgreSQL refuses to run as root: its own user owns the throwaway folder.
            run(List.of("chown", "-R", "postgres:postgres", home.toString()), false);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Postgres postgres = new Postgres(bin, home, port, root);
        postgres.pg(List.of(bin.resolve("initdb").toString(), "-D", postgres.data.toString(), "-U", "bench",
            "--auth=trust", "-E", "UTF8", "--locale=C"));
        postgres.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", postgres.data.toString(), "-l",
            home.resolve("postgres.log").toString(), "-w", "-o",
            "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c max_connections=300", "start"));
        for (String db : List.of("dbscheduler", "jobrunr")) {
            postgres.pg(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "bench", db));
        }
        return postgres;
    }

    private static Path findBin() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(lib)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                .max(Comparator.comparing(Path::toString)).orElse(null);
        }
    }

    String version() {
        return bin.getParent().getFileName().toString();
    }

    String jdbc(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=bench";
    }

    private void pg(List<String> command) throws Exception {
        run(command, asRoot);
    }

    private static void run(List<String> command, boolean asPostgres) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"));
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * CPU time used so far by the server: the postmaster and every process it started (a backend per connection, the
     * writers). A backend that has exited is no longer counted, so a measurement spans connections that stay open.
     */
    Duration cpu() {
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read PostgreSQL's postmaster.pid", e);
        }
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
        return Stream.concat(Stream.of(postmaster), postmaster.descendants()).map(PeersBenchmark::cpu)
            .reduce(Duration.ZERO, Duration::plus);
    }

    /** The connection pool both peers use: HikariCP, larger than their 32 worker threads. */
    static HikariDataSource pool(String jdbc) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbc);
        pool.setMaximumPoolSize(48);
        return new HikariDataSource(pool);
    }
}

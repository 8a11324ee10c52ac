package io.sluice.benchmarks.peers;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;

/**
 * JobRunr (open-source edition) on PostgreSQL, configured as its documentation describes: one background job server
 * with the benchmark's worker count, its default poll interval of 15 s (fastest: 5 s, the smallest it accepts) and its
 * server timeout of four poll intervals. Jobs are enqueued one by one, as a caller of {@code enqueue} would.
 */
final class JobRunrSystem implements PeerSystem {

    static final String VERSION = "JobRunr 8.4.0 (open source)";

    private final HikariDataSource dataSource;
    private JobScheduler scheduler;

    JobRunrSystem(String jdbc, Runs runs) {
        this.dataSource = Postgres.pool(jdbc);
        Jobs.runs = runs;
    }

    private static Duration poll(Liveness liveness) {
        return liveness == Liveness.DEFAULT ? Duration.ofSeconds(15) : Duration.ofSeconds(5);
    }

    @Override
    public void start(int workers, Liveness liveness) {
        JobRunrConfiguration configuration = JobRunr.configure().useStorageProvider(SqlStorageProviderFactory.using(dataSource));
        if (workers > 0) {
            configuration.useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                .andWorkerCount(workers)
                .andPollInterval(poll(liveness))
                .andServerTimeoutPollIntervalMultiplicand(4));
        }
        scheduler = configuration.initialize().getJobScheduler();
    }

    @Override
    public String settings(int workers, Liveness liveness) {
        return "workers " + workers + ", poll interval " + poll(liveness).toSeconds() + " s, server timeout 4 poll intervals, "
            + "default retry policy, HikariCP pool 48";
    }

    @Override
    public void schedule(String id) {
        scheduler.enqueue(uuid(id), () -> Jobs.run(id));
    }

    @Override
    public boolean cancel(String id) {
        // Deleting a job interrupts its running thread on the server that processes it.
        scheduler.delete(uuid(id), "cancelled by the benchmark");
        return true;
    }

    @Override
    public long pending() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                 "select count(*) from jobrunr_jobs where state in ('AWAITING', 'SCHEDULED', 'ENQUEUED', 'PROCESSING')")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public void close() {
        JobRunr.destroy();
        dataSource.close();
    }

    private static UUID uuid(String id) {
        return UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The job JobRunr runs. JobRunr stores a job as a static method call and finds its code by name, so the run's
     * reporter is reached through a static field: one worker process runs one system, set once by its constructor.
     */
    public static final class Jobs {
        static volatile Runs runs;

        private Jobs() {
        }

        public static void run(String id) throws InterruptedException {
            if (runs.started(id)) {
                try {
                    Thread.sleep(Duration.ofHours(1).toMillis());
                } catch (InterruptedException e) {
                    runs.sawCancel(id);
                    throw e;
                }
            }
        }
    }
}

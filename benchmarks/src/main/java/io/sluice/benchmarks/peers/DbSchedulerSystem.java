package io.sluice.benchmarks.peers;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * db-scheduler on PostgreSQL, configured as its README recommends for throughput: lock-and-fetch polling
 * ({@code pollUsingLockAndFetch(1.0, 4.0)}, the README's "high throughput" setting), immediate execution of tasks
 * scheduled by this instance, a HikariCP pool larger than the thread count.
 */
final class DbSchedulerSystem implements PeerSystem {

    static final String VERSION = "db-scheduler 16.7.1";

    // The table of db-scheduler's README (postgresql_tables.sql): db-scheduler does not create it itself.
    private static final String[] SCHEMA = {
        "create table if not exists scheduled_tasks (task_name text not null, task_instance text not null, task_data bytea,"
            + " execution_time timestamp with time zone not null, picked BOOLEAN not null, picked_by text,"
            + " last_success timestamp with time zone, last_failure timestamp with time zone, consecutive_failures INT,"
            + " last_heartbeat timestamp with time zone, version BIGINT not null, priority SMALLINT,"
            + " PRIMARY KEY (task_name, task_instance))",
        "create index if not exists execution_time_idx on scheduled_tasks (execution_time)",
        "create index if not exists last_heartbeat_idx on scheduled_tasks (last_heartbeat)",
        "create index if not exists priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)"};

    private final HikariDataSource dataSource;
    private final OneTimeTask<Void> task;
    private Scheduler scheduler;
    private SchedulerClient client;

    DbSchedulerSystem(String jdbc, Runs runs) {
        this.dataSource = Postgres.pool(jdbc);
        this.task = Tasks.oneTime("peer-probe").execute((instance, context) -> {
            if (runs.started(instance.getId())) {
                blockUntilInterrupted();
            }
        });
    }

    /**
     * Whether the benchmark can measure recovery from a killed worker with these timings; null when it can, else why not.
     * With the defaults an execution is declared dead after 6 missed heartbeats of 5 minutes, longer than any run here.
     */
    static String unmeasuredRecovery(Liveness liveness) {
        return liveness == Liveness.DEFAULT
            ? "not measured: a dead execution is found after 6 missed heartbeats of 5 min (30 min)"
            : null;
    }

    private static Duration heartbeat(Liveness liveness) {
        // Fastest: 1 s heartbeats and the smallest missed-heartbeat limit the builder accepts (4).
        return liveness == Liveness.DEFAULT ? Duration.ofMinutes(5) : Duration.ofSeconds(1);
    }

    private static int missedHeartbeats(Liveness liveness) {
        return liveness == Liveness.DEFAULT ? 6 : 4;
    }

    private static Duration polling(Liveness liveness) {
        return liveness == Liveness.DEFAULT ? Duration.ofSeconds(10) : Duration.ofSeconds(1);
    }

    @Override
    public void start(int workers, Liveness liveness) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String ddl : SCHEMA) {
                statement.execute(ddl);
            }
        }
        if (workers == 0) {
            client = SchedulerClient.Builder.create(dataSource, task).build();
            return;
        }
        scheduler = Scheduler.create(dataSource, task)
            .threads(workers)
            .pollUsingLockAndFetch(1.0, 4.0)
            .pollingInterval(polling(liveness))
            .heartbeatInterval(heartbeat(liveness))
            .missedHeartbeatsLimit(missedHeartbeats(liveness))
            .enableImmediateExecution()
            .shutdownMaxWait(Duration.ofSeconds(1))
            .build();
        scheduler.start();
        client = scheduler;
    }

    @Override
    public String settings(int workers, Liveness liveness) {
        return "threads " + workers + ", pollUsingLockAndFetch(1.0, 4.0), polling interval " + polling(liveness).toSeconds()
            + " s, heartbeat " + heartbeat(liveness).toSeconds() + " s x " + missedHeartbeats(liveness)
            + " missed, immediate execution on, HikariCP pool 48";
    }

    @Override
    public void schedule(String id) {
        client.scheduleIfNotExists(task.instance(id), Instant.now());
    }

    @Override
    public boolean cancel(String id) {
        // db-scheduler can delete a scheduled execution, but not stop one that is running.
        return false;
    }

    @Override
    public long pending() throws Exception {
        // Completed one-time executions are deleted: what is left is scheduled or running.
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from scheduled_tasks")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.stop();
        }
        dataSource.close();
    }

    static void blockUntilInterrupted() {
        try {
            Thread.sleep(Duration.ofHours(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

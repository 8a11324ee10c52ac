package io.sluice.scheduler.internal;

import io.sluice.security.AccessPolicy;
import io.sluice.auth.Caller;
import io.sluice.security.internal.AccessConfig;
import io.sluice.security.internal.ConfigValues;
import io.sluice.security.internal.ConfiguredAccessPolicy;
import io.sluice.scheduler.internal.TaskLifecycle.BeforeWrite;
import io.sluice.store.TaskStore;
import io.sluice.store.internal.OpenSearchTaskStore;
import io.sluice.store.internal.StoreConfig;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The task service as the tests see it: a real store on the embedded node (a fresh index per fixture), the real
 * access policy and status machine, a controllable clock.
 */
final class Tasks {

    static final Duration STALE_AFTER = Duration.ofSeconds(30);
    static final Caller ADMIN = new Caller("root", Set.of("admin"), "default", Caller.Authentication.PASSWORD);
    static final Caller OPS = new Caller("olga", Set.of("ops"), "default", Caller.Authentication.PASSWORD);
    static final Caller VIEWER = new Caller("vic", Set.of("viewer"), "default", Caller.Authentication.PASSWORD);
    static final Caller OTHER_SPACE = new Caller("olga", Set.of("ops"), "elsewhere", Caller.Authentication.PASSWORD);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    final TaskStore store;
    final TaskTypes types = new TaskTypes();
    final AccessPolicy access;
    final NodeTaskClient client;
    final TaskRuns runs;

    Tasks(OpenSearchClient opensearch) {
        this(opensearch, BeforeWrite.NONE, 10L * 1024 * 1024);
    }

    final String prefix = ".test-" + UUID.randomUUID().toString().substring(0, 8);

    Tasks(OpenSearchClient opensearch, BeforeWrite beforeWrite, long maxPayloadBytes) {
        store = store(opensearch, prefix);
        access = new ConfiguredAccessPolicy(ConfigValues.of(AccessConfig.class, Map.<String, Object>of("grants", new String[] {"ops:manage:logs*", "viewer:read:logs*"})::get));
        types.register(new SampleParams.Definition("sample"), 1, "test.bundle", 1);
        client = new NodeTaskClient(store, types, access, STALE_AFTER, clock, beforeWrite);
        runs = new TaskRuns(client.lifecycle(), new PluginJson(), maxPayloadBytes);
    }

    /** A real store on the given prefix. */
    static OpenSearchTaskStore store(OpenSearchClient opensearch, String prefix) {
        return new OpenSearchTaskStore(opensearch, new StoreConfig() {
            @Override
            public String indexPrefix() {
                return prefix;
            }

            @Override
            public int changeFeedIntervalMillis() {
                return 1000;
            }

            @Override
            public int cachedTasks() {
                return 10_000;
            }

            @Override
            public int cacheMaxAgeSeconds() {
                return 30;
            }

            @Override
            public int groupCommitMaxBatch() {
                return 500;
            }

            @Override
            public int groupCommitLingerMicros() {
                return 0;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreConfig.class;
            }
        });
    }

    /** Moves the clock past {@code staleAfter}. */
    void goStale() {
        clock.advance(STALE_AFTER.plusMillis(1));
    }
}

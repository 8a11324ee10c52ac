package io.sluice.scheduler.internal;

import static io.sluice.scheduler.internal.Tasks.ADMIN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.auth.ApiKeyScope;
import io.sluice.auth.Caller;
import io.sluice.auth.ScopedClientFactory;
import io.sluice.auth.ScopedClients;
import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.security.TaskApiKey;
import io.sluice.security.TaskApiKeys;
import io.sluice.task.ReportedStatus;
import io.sluice.task.ScheduleRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Which ends revoke a task's API key, now that a key is stored only when a run first opens it (real store): a first
 * attempt that never opened its key has nothing to revoke; a run that opened it, or a later attempt (an earlier one,
 * on any node, may have opened it), revokes it, as does any end of a task whose key was stored when it was minted. An
 * ended task's document no longer holds its key, and a run that ended cannot open a key it never opened.
 */
@ExtendWith(OpenSearchExtension.class)
class RunKeyRevocationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Tasks t;
    private final TaskTypes types = new TaskTypes();
    private final ProbeTask probe = new ProbeTask("probe", "node-a", Duration.ofSeconds(30), 3);
    private final RecordingKeys keys = new RecordingKeys(true);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Node node;
    private volatile TaskApiKeys keysInUse = keys;

    RunKeyRevocationTest(OpenSearchClient opensearch) {
        t = new Tasks(opensearch);
        types.register(probe, 1, "probe.bundle", 7);
        TaskMetrics metrics = new TaskMetrics();
        metrics.publishTo(meters);
        node = new Node("node-a", t.store, types, t.access, Node.settings("node-a", 4), Clock.systemUTC(),
            new RunCredentials(() -> keysInUse, () -> NO_CLIENTS), metrics);
        node.client.bindApiKeys(keys);
    }

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void aFirstAttemptThatNeverOpenedItsKeyEndsWithoutRevokingIt() {
        runToCompletion("quiet", Map.of());
        assertEquals(List.of(), keys.opened);
        assertEquals(List.of(), keys.revoked, "a key never opened was never stored: nothing to revoke");
        assertNull(t.store.get("default", "quiet").orElseThrow().record().apiKey(), "the ended task still holds its key");
    }

    @Test
    void aRunThatOpenedItsKeyRevokesItWhenItEnds() {
        runToCompletion("acting", Map.of("behaviour", "clients"));
        assertEquals(List.of("key-of-acting"), keys.opened);
        assertEquals(List.of("key-of-acting"), keys.revoked);
        assertNull(t.store.get("default", "acting").orElseThrow().record().apiKey());
    }

    @Test
    void aLaterAttemptRevokesTheKeyAnEarlierAttemptMayHaveOpened() {
        runToCompletion("retried", Map.of("behaviour", "fail", "succeedOnAttempt", 2));
        assertEquals(2, probe.runsOf("retried").size());
        assertEquals(List.of(), keys.opened, "neither attempt here opened it, but another node's could have");
        assertEquals(List.of("key-of-retried"), keys.revoked);
    }

    @Test
    void aKeyStoredWhenItWasMintedIsRevokedEvenIfNoRunOpenedIt() {
        RecordingKeys storedAtMint = new RecordingKeys(false);
        node.client.bindApiKeys(storedAtMint);
        keysInUse = storedAtMint;
        runToCompletion("old-style", Map.of());
        assertEquals(List.of("key-of-old-style"), storedAtMint.revoked);
    }

    @Test
    void aRunThatEndedCannotOpenTheKeyItNeverOpened() {
        RunClients unused = new RunClients(new RunCredentials(() -> keys, () -> NO_CLIENTS), keys.mint(ADMIN, "t", WAIT), "t", 1);
        assertEquals(false, unused.close(), "never opened");
        IllegalStateException late = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, unused::get);
        assertEquals("the run of task t has ended: it cannot act for its user", late.getMessage());
        assertEquals(List.of(), keys.opened);

        RunClients used = new RunClients(new RunCredentials(() -> keys, () -> NO_CLIENTS), keys.mint(ADMIN, "u", WAIT), "u", 1);
        used.get();
        assertEquals(true, used.close(), "opened: its end must revoke it");
        used.get(); // a run that opened its key keeps its clients; the revocation stops them at the next request
    }

    /** Schedules a task and waits until this node counted its end, which comes after any revocation. */
    private void runToCompletion(String id, Map<String, Object> params) {
        node.client.schedule(ScheduleRequest.of("probe").id(id).params(params).build(), ADMIN);
        await().atMost(WAIT).until(() -> node.client.status(id, ADMIN).status() == ReportedStatus.COMPLETED
            && meters.find("sluice.tasks.completed").counters().stream().mapToDouble(c -> c.count()).sum() >= 1);
    }

    /** Keys minted at once, stored nowhere; opening and revoking are recorded. */
    private static final class RecordingKeys implements TaskApiKeys {
        final List<String> opened = new CopyOnWriteArrayList<>();
        final List<String> revoked = new CopyOnWriteArrayList<>();
        private final boolean storedOnFirstUse;

        RecordingKeys(boolean storedOnFirstUse) {
            this.storedOnFirstUse = storedOnFirstUse;
        }

        @Override
        public boolean storedOnFirstUse(TaskApiKey key) {
            return storedOnFirstUse;
        }

        @Override
        public TaskApiKey mint(Caller caller, String taskId, Duration lifetime) {
            return new TaskApiKey("key-of-" + taskId, "sealed");
        }

        @Override
        public Caller open(TaskApiKey key) {
            opened.add(key.id());
            return new Caller("root", Set.of("admin"), "default", Caller.Authentication.API_KEY,
                new ApiKeyScope(key.id(), List.of(), List.of()));
        }

        @Override
        public void revoke(TaskApiKey key) {
            revoked.add(key.id());
        }
    }

    /** The clients themselves do not matter here, only that the run asked for them. */
    private static final ScopedClientFactory NO_CLIENTS = new ScopedClientFactory() {
        @Override
        public ScopedClients forCaller(Caller caller) {
            return null;
        }

        @Override
        public ScopedClients forCaller(Caller caller, Runnable credentialsHold) {
            return null;
        }
    };
}

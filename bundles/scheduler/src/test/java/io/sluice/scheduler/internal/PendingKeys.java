package io.sluice.scheduler.internal;

import io.sluice.auth.Caller;
import io.sluice.security.TaskApiKey;
import io.sluice.security.TaskApiKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A key service whose keys are stored when {@code stored} completes (or fail to be, when it fails), for tests of what a
 * schedule does while its key is on its way. Keys are never opened: the tasks of these tests use no scoped clients.
 */
final class PendingKeys implements TaskApiKeys {

    /** Ids of the keys revoked, in order. */
    final List<String> revoked = new CopyOnWriteArrayList<>();
    private final CompletableFuture<?> stored;

    PendingKeys(CompletableFuture<?> stored) {
        this.stored = stored;
    }

    @Override
    public TaskApiKey mint(Caller caller, String taskId, Duration lifetime) {
        throw new AssertionError("schedule starts the mint and writes the task meanwhile");
    }

    @Override
    public Pending startMint(Caller caller, String taskId, Duration lifetime) {
        return new Pending(new TaskApiKey("key-of-" + taskId, "sealed"), stored);
    }

    @Override
    public Caller open(TaskApiKey key) {
        throw new AssertionError("these tests' tasks use no scoped clients");
    }

    @Override
    public void revoke(TaskApiKey key) {
        revoked.add(key.id());
    }
}

package io.sluice.scheduler.internal;

import io.sluice.auth.ScopedClients;
import io.sluice.security.TaskApiKey;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The scoped clients of one run: made from the task's API key on first use, then kept for the run. It remembers
 * whether the run ever opened the key, because a key is stored on first use: a first run that never opened it leaves
 * nothing to revoke.
 */
final class RunClients implements Supplier<ScopedClients> {

    private final RunCredentials credentials;
    private final TaskApiKey key;
    private final String taskId;
    private final AtomicReference<ScopedClients> made = new AtomicReference<>();
    private final AtomicBoolean keyOpened = new AtomicBoolean();

    RunClients(RunCredentials credentials, TaskApiKey key, String taskId) {
        this.credentials = credentials;
        this.key = key;
        this.taskId = taskId;
    }

    @Override
    public ScopedClients get() {
        ScopedClients clients = made.get();
        if (clients == null) {
            // Set before trying: an open that fails half-way may have stored the key all the same.
            keyOpened.set(key != null);
            clients = credentials.clients(key, taskId);
            made.set(clients);
        }
        return clients;
    }

    /** The task's key, or null. */
    TaskApiKey key() {
        return key;
    }

    /** Whether this run tried to open its key. */
    boolean keyOpened() {
        return keyOpened.get();
    }
}

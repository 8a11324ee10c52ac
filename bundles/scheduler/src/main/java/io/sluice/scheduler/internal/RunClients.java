package io.sluice.scheduler.internal;

import io.sluice.auth.ScopedClients;
import io.sluice.security.TaskApiKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The scoped clients of one run: made from the task's API key on first use, then kept for the run. A key may be
 * stored only on its first use, so this remembers whether the run opened it; once the run has ended a key it never
 * opened cannot be opened any more (a thread the run left behind, or that was abandoned after its cancellation, must
 * not store a key that its end did not revoke).
 */
final class RunClients implements Supplier<ScopedClients> {

    private static final int UNOPENED = 0;
    private static final int OPENED = 1;
    private static final int CLOSED = 2;

    private final RunCredentials credentials;
    private final TaskApiKey key;
    private final String taskId;
    private final int attempt;
    private final AtomicReference<ScopedClients> made = new AtomicReference<>();
    private final AtomicInteger state = new AtomicInteger(UNOPENED);

    /** @param attempt the run's attempt within its schedule: a later one's key may have been stored by an earlier */
    RunClients(RunCredentials credentials, TaskApiKey key, String taskId, int attempt) {
        this.credentials = credentials;
        this.key = key;
        this.taskId = taskId;
        this.attempt = attempt;
    }

    /**
     * The run's clients.
     *
     * @throws IllegalStateException if the run has ended without having opened its key
     */
    @Override
    public ScopedClients get() {
        ScopedClients clients = made.get();
        if (clients == null) {
            // Marked before trying: an open that fails half-way may have stored the key all the same.
            if (!state.compareAndSet(UNOPENED, OPENED) && state.get() == CLOSED) {
                throw new IllegalStateException("the run of task " + taskId + " has ended: it cannot act for its user");
            }
            clients = credentials.clients(key, taskId);
            made.set(clients);
        }
        return clients;
    }

    /** The task's key, or null. */
    TaskApiKey key() {
        return key;
    }

    /**
     * Ends the run's use of its key (a key not opened by now never will be by this run), and says whether the task's
     * end must revoke it, as it may be stored: this run opened (or tried to open) it, an earlier attempt of the same
     * schedule (on any node) may have, or the key service stored it when it was minted.
     */
    boolean close() {
        boolean opened = !state.compareAndSet(UNOPENED, CLOSED) && state.get() == OPENED;
        return key != null && (opened || attempt > 1 || credentials.storedAtMint(key));
    }
}

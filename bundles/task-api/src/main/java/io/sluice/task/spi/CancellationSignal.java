package io.sluice.task.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The cancellation signal of one run. Blocking work either polls {@link #isCancelled()}, waits with
 * {@link #await(Duration)} instead of sleeping, or reacts to {@link #whenCancelled()}. The worker thread
 * is also interrupted when the signal fires.
 */
@ProviderType
public interface CancellationSignal {

    /** Whether the signal has fired. */
    boolean isCancelled();

    /** Why the signal fired, once it has. */
    Optional<CancellationReason> reason();

    /** Throws {@link TaskCancelledException} if the signal has fired. */
    void throwIfCancelled();

    /**
     * Waits up to {@code timeout}, returning early when the signal fires: use it instead of {@code Thread.sleep}.
     *
     * @return {@code true} if the signal fired
     * @throws InterruptedException if the thread was interrupted for another reason
     */
    boolean await(Duration timeout) throws InterruptedException;

    /** Completes with the reason when the signal fires. */
    CompletionStage<CancellationReason> whenCancelled();
}

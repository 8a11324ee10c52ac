package io.sluice.task;

import io.sluice.auth.Caller;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Schedules, reads, cancels and acknowledges tasks: what the REST routes and the console use.
 *
 * <p>Every call acts on behalf of a {@link Caller}: a caller sees and acts only on tasks of streams it holds
 * privileges on ({@code read} for reads, {@code manage} for changes), in its own space. A task it may not read is
 * reported as not found, so callers cannot learn what they may not see.
 *
 * <p>Every change is a conditional write on the document version it read: concurrent callers never overwrite a
 * state they did not see.
 */
@ProviderType
public interface TaskClient {

    /**
     * The stored document, or a {@code not_started} document when there is none. Real time: no refresh needed.
     *
     * @throws StoreUnavailableException if the task index cannot be reached
     */
    TaskDocument get(String id, Caller caller);

    /** The read view: {@code stale} computed, payload for {@code completed}/{@code acknowledged}, error for {@code failed}. */
    TaskStatusView status(String id, Caller caller);

    /**
     * Waits for the caller's view of a task to change, holding no thread while it waits: completes with the view as
     * soon as its {@link TaskStatusView#etag()} differs from {@code seenEtag}, or with the current view once
     * {@code timeout} has passed. A change written by this node is seen at once, one written by another node within the
     * node's change-feed interval, and a task turning stale at the moment it does.
     *
     * @return a stage that completes with the view, or exceptionally with a {@link TaskException}
     */
    java.util.concurrent.CompletionStage<TaskStatusView> statusChange(String id, Caller caller, String seenEtag,
                                                                      java.time.Duration timeout);

    /**
     * Starts a new run, or returns the current document when a healthy run is in progress.
     *
     * @return the document after the call, and whether this call started its run
     * @throws UnknownTaskTypeException if no installed bundle provides the type
     * @throws InvalidParamsException if the params do not bind to the type's params class; nothing is written
     * @throws CancellationInProgressException if a cancel of this task is still being carried out
     */
    ScheduleResult schedule(ScheduleRequest request, Caller caller);

    /**
     * Asks a running task to stop: {@code in_progress} becomes {@code being_canceled}; any other status is left alone.
     *
     * @return the document after the call
     */
    TaskDocument cancel(String id, Caller caller);

    /**
     * Marks a completed task's result as read.
     *
     * @return the acknowledged document, with its payload
     * @throws TaskNotCompletedException if the task is not {@code completed}
     */
    TaskDocument acknowledge(String id, Caller caller);

    /**
     * The tasks in the caller's space that match the filter and that the caller may read, newest first. Listings come
     * from a search, which sees writes within about a second; {@link #get} and {@link #status} are real time.
     *
     * @throws InvalidParamsException if the filter's stream is not a stream name (no stream could match it)
     */
    TaskPage list(TaskFilter filter, PageRequest page, Caller caller);

    /**
     * Waits for a listing to change, holding no thread: completes with the page as soon as its {@link TaskPage#etag()}
     * differs from {@code seenEtag}, or with the current page once {@code timeout} has passed. Listings are searches,
     * which see a write within about a second: a change is answered within about that.
     *
     * @return a stage that completes with the page, or exceptionally with a {@link TaskException}
     */
    java.util.concurrent.CompletionStage<TaskPage> listChange(TaskFilter filter, PageRequest page, Caller caller,
                                                               String seenEtag, java.time.Duration timeout);

    /**
     * Deletes a task document that is not running (any status but a healthy {@code in_progress} or
     * {@code being_canceled}: cancel those first).
     *
     * @return whether a document was deleted
     * @throws TaskConflictException if the task is running
     */
    boolean delete(String id, Caller caller);
}

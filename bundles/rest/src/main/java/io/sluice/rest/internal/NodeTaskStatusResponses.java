package io.sluice.rest.internal;

import io.sluice.auth.Caller;
import io.sluice.rest.TaskStatusResponses;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskStatusView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.container.AsyncResponse;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Status reads with {@code ETag}, {@code If-None-Match} and {@code ?wait_for_change}. A waiting read is a suspended
 * {@link AsyncResponse} and a watch in the task client: no thread waits. When the view changes (or the wait ends),
 * the answer is written by a small pool of this component's own, never by the thread that wrote the change.
 */
@Component(service = TaskStatusResponses.class)
public final class NodeTaskStatusResponses implements TaskStatusResponses {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m)");
    /** The container gives up on a suspended request this long after its wait should have ended. */
    private static final Duration GRACE = Duration.ofSeconds(15);

    private final TaskClient tasks;
    private final ExecutorService resumer;

    /** Binds the task client; starts the pool that writes the answers to waiting reads. */
    @Activate
    public NodeTaskStatusResponses(@Reference TaskClient tasks) {
        this.tasks = tasks;
        AtomicInteger count = new AtomicInteger();
        this.resumer = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "sluice-status-answer-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Deactivate
    void deactivate() {
        resumer.shutdown();
    }

    @Override
    public void answer(String id, Caller caller, HttpHeaders headers, String waitForChange, AsyncResponse response,
                       Function<TaskStatusView, Object> render) {
        Duration wait = waitFor(waitForChange);
        List<String> known = headers.getRequestHeader(HttpHeaders.IF_NONE_MATCH);
        TaskStatusView view = tasks.status(id, caller);
        if (wait.isZero() || !matches(known, view)) {
            response.resume(respond(view, known, render));
            return;
        }
        response.setTimeout(wait.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        tasks.statusChange(id, caller, view.etag(), wait).whenCompleteAsync((changed, error) -> {
            if (error != null) {
                response.resume(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error);
            } else {
                response.resume(respond(changed, known, render));
            }
        }, this::resume);
    }

    /** Writes an answer on the pool; once the pool is stopping, on the caller's thread, so no waiting read is lost. */
    private void resume(Runnable answer) {
        try {
            resumer.execute(answer);
        } catch (RejectedExecutionException e) {
            answer.run();
        }
    }

    private static Response respond(TaskStatusView view, List<String> known, Function<TaskStatusView, Object> render) {
        EntityTag tag = new EntityTag(view.etag().substring(1, view.etag().length() - 1));
        if (matches(known, view)) {
            return Response.notModified(tag).build();
        }
        return Response.ok(render.apply(view)).tag(tag).build();
    }

    /** Whether {@code If-None-Match} holds the view's tag (weak or strong, in a list, or {@code *} for an existing task). */
    static boolean matches(List<String> known, TaskStatusView view) {
        if (known == null) {
            return false;
        }
        for (String header : known) {
            for (String tag : header.split(",")) {
                String trimmed = tag.trim();
                if (trimmed.startsWith("W/")) {
                    trimmed = trimmed.substring(2);
                }
                if (trimmed.equals(view.etag()) || (trimmed.equals("*") && view.version() != null)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code 500ms}, {@code 30s}, {@code 1m}; at most {@link #MAX_WAIT}; anything else is a 400. */
    static Duration waitFor(String value) {
        if (value == null) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new BadRequestException("wait_for_change must be a duration like 500ms, 30s or 1m, got '"
                + RequestPaths.printable(value) + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration wait = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (wait.compareTo(MAX_WAIT) > 0) {
            throw new BadRequestException("wait_for_change may be at most " + MAX_WAIT.toSeconds() + "s, got '" + value + "'");
        }
        return wait;
    }
}

package io.sluice.rest.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Status reads for pollers: an {@code ETag} on every answer; {@code If-None-Match} with the current tag answers 304;
 * with {@code ?wait_for_change=30s} as well, the answer waits (up to a minute) until what the poller would see changes.
 */
final class StatusPolling {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(ms|s|m)");
    private static final Duration MAX_WAIT = Duration.ofMinutes(1);
    private static final long CHECK_EVERY_MILLIS = 200;

    private final HttpJson json;

    StatusPolling(HttpJson json) {
        this.json = json;
    }

    void answer(HttpServletRequest request, HttpServletResponse response, Supplier<Object> view) throws IOException {
        Duration wait = waitFor(request.getParameter("wait_for_change"));
        String known = request.getHeader("If-None-Match");
        byte[] body = json.bytes(view.get());
        String etag = HttpJson.etag(body);
        if (known != null && known.equals(etag) && !wait.isZero()) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (etag.equals(known) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(CHECK_EVERY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                body = json.bytes(view.get());
                etag = HttpJson.etag(body);
            }
        }
        response.setHeader("ETag", etag);
        if (etag.equals(known)) {
            response.setStatus(304);
            return;
        }
        json.send(response, 200, body);
    }

    private static Duration waitFor(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new HttpError(400, "wait_for_change must be a duration like 500ms, 30s or 1m, got '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration wait = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }
}

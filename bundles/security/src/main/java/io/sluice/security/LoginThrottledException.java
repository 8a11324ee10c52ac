package io.sluice.security;

import java.time.Duration;

/**
 * Too many failed logins for this user name or from this client address: the attempt was not checked at all (HTTP 429
 * with {@code Retry-After}). The answer is the same whether the user exists or not.
 */
public class LoginThrottledException extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /** @param retryAfter how long to wait before the next attempt is checked */
    public LoginThrottledException(Duration retryAfter) {
        super("too many failed logins: try again in " + Math.max(1, retryAfter.toSeconds()) + " s");
        this.retryAfter = retryAfter;
    }

    /** How long to wait before the next attempt is checked (at least one second). */
    public Duration retryAfter() {
        return retryAfter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter;
    }
}

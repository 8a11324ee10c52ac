package io.sluice.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How failed logins slow guessing down: per user name, per address, doubling waits, a window. A fake clock. */
class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(
        new LoginThrottle.Limits(3, 5, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofSeconds(10)), now::get);

    private void pass(Duration time) {
        now.addAndGet(time.toNanos());
    }

    @Test
    void theFirstFailuresAreFreeThenEachFurtherAttemptWaitsTwiceAsLongUpToTheLongestWait() {
        throttle.failed("admin", "10.0.0.1");
        throttle.failed("admin", "10.0.0.1");
        assertEquals(Optional.empty(), throttle.wait("admin", "10.0.0.1"));
        throttle.failed("admin", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.wait("admin", "10.0.0.2"), "the name is throttled from any address");
        pass(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), throttle.wait("admin", "10.0.0.1"), "the wait is over: the next attempt is checked");
        throttle.failed("admin", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.wait("admin", "10.0.0.1"));
        pass(Duration.ofSeconds(2));
        throttle.failed("admin", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(4)), throttle.wait("admin", "10.0.0.1"));
        pass(Duration.ofSeconds(4));
        throttle.failed("admin", "10.0.0.1");
        pass(Duration.ofSeconds(8));
        throttle.failed("admin", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(10)), throttle.wait("admin", "10.0.0.1"), "capped at the longest wait");
    }

    @Test
    void anAddressTryingManyNamesIsThrottledWhileThoseNamesFromElsewhereAreNot() {
        for (String name : new String[] {"a", "b", "c", "d", "e"}) {
            throttle.failed(name, "10.0.0.9");
        }
        assertTrue(throttle.wait("f", "10.0.0.9").isPresent(), "the address spent its free failures on other names");
        assertEquals(Optional.empty(), throttle.wait("a", "10.0.0.1"), "one failure of 'a' is not enough to throttle it");
    }

    @Test
    void aSuccessClearsItsNameButNotTheAddressThatFailed() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("admin", "10.0.0.9");
        }
        throttle.succeeded("admin");
        assertEquals(Optional.empty(), throttle.wait("admin", "10.0.0.1"));
        assertTrue(throttle.wait("admin", "10.0.0.9").isPresent(), "logging in to one's own account does not reset the address");
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("admin", null);
        }
        assertTrue(throttle.wait("admin", null).isPresent());
        pass(Duration.ofMinutes(16));
        assertEquals(Optional.empty(), throttle.wait("admin", null));
        throttle.failed("admin", null);
        assertEquals(Optional.empty(), throttle.wait("admin", null), "a new window starts with one failure");
    }
}

package io.sluice.security.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Failed password logins, counted per user name and per client address. The first {@code free} failures of a key in
 * a window cost nothing; after them each attempt must wait after the last failure, {@code firstDelay} and then twice as long
 * each time, up to {@code maxDelay}, and an attempt made sooner is refused without checking the password, so
 * guessing costs time whatever the guesses. A success clears its user name's count; an address's count clears only
 * when its window passes, so one attacker cannot reset it by logging in to an account of their own.
 *
 * <p>Names are counted whether the user exists or not: the answers do not tell them apart. At most
 * {@value #MAX_KEYS} keys are kept, the least recently failed dropped first.
 */
final class LoginThrottle {

    static final int MAX_KEYS = 100_000;

    /** A key's failures in its current window. */
    private static final class Failures {
        int count;
        long firstAt;
        long lastAt;
    }

    /** How many failures may be made freely, and how long it all is remembered. */
    record Limits(int freePerUser, int freePerAddress, Duration window, Duration firstDelay, Duration maxDelay) {
    }

    private final LongSupplier nanoClock;
    private volatile Limits limits;
    // Guarded by itself: access order makes it an LRU.
    private final Map<String, Failures> failures = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_KEYS;
        }
    };

    LoginThrottle(Limits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
    }

    void limits(Limits next) {
        this.limits = next;
    }

    /** How long an attempt for this user from this address must still wait; empty if it may be checked now. */
    Optional<Duration> wait(String user, String address) {
        long now = nanoClock.getAsLong();
        Limits current = limits;
        synchronized (failures) {
            long waitNanos = Math.max(waitNanos(failures.get(userKey(user)), current.freePerUser(), current, now),
                address == null ? 0 : waitNanos(failures.get(addressKey(address)), current.freePerAddress(), current, now));
            return waitNanos > 0 ? Optional.of(Duration.ofNanos(waitNanos)) : Optional.empty();
        }
    }

    void failed(String user, String address) {
        long now = nanoClock.getAsLong();
        Duration window = limits.window();
        synchronized (failures) {
            count(userKey(user), now, window);
            if (address != null) {
                count(addressKey(address), now, window);
            }
        }
    }

    void succeeded(String user) {
        synchronized (failures) {
            failures.remove(userKey(user));
        }
    }

    private void count(String key, long now, Duration window) {
        Failures entry = failures.computeIfAbsent(key, k -> new Failures());
        if (entry.count == 0 || now - entry.firstAt > window.toNanos()) {
            entry.count = 0;
            entry.firstAt = now;
        }
        entry.count++;
        entry.lastAt = now;
    }

    private static long waitNanos(Failures entry, int free, Limits limits, long now) {
        if (entry == null || entry.count < free || now - entry.firstAt > limits.window().toNanos()) {
            return 0;
        }
        int beyond = Math.min(entry.count - free, 30);
        long delay = Math.min(limits.firstDelay().toNanos() << beyond, limits.maxDelay().toNanos());
        return Math.max(0, entry.lastAt + delay - now);
    }

    private static String userKey(String user) {
        return "user\n" + user;
    }

    private static String addressKey(String address) {
        return "address\n" + address;
    }
}

package io.sluice.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.auth.Caller;
import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.security.Sessions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Browser sessions against a real node, on a clock the test moves: a session outlives its node (another instance on
 * the same index reads it), ends on logout, when idle, at its lifetime, and when its account changes.
 */
@ExtendWith(OpenSearchExtension.class)
class NodeSessionsTest {

    private static final Caller OLGA = new Caller("olga", Set.of("ops"), "default", Caller.Authentication.PASSWORD);

    private final OpenSearchClient opensearch;
    private final String index = ".test-sessions-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> accounts = new HashMap<>(Map.of("olga", "fingerprint-1"));
    private Instant now = Instant.parse("2030-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    NodeSessionsTest(OpenSearchClient opensearch) {
        this.opensearch = opensearch;
    }

    private NodeSessions sessions() {
        return new NodeSessions(opensearch, user -> Optional.ofNullable(accounts.get(user)), TaskApiKeysTest.config(() -> new String[0]),
            clock, index);
    }

    @Test
    void aSessionIsReadBackByAnotherInstanceAndEndsOnLogout() {
        NodeSessions first = sessions();
        Sessions.Session session = first.open(OLGA);
        assertEquals(now.plus(Duration.ofMinutes(480)), session.expiresAt());
        NodeSessions afterRestart = sessions();
        Caller caller = afterRestart.caller(session.token()).orElseThrow();
        assertEquals("olga", caller.user());
        assertEquals(Set.of("ops"), caller.roles());
        afterRestart.close(session.token());
        assertTrue(afterRestart.caller(session.token()).isEmpty());
        assertTrue(sessions().caller(session.token()).isEmpty(), "closed for every instance");
        assertTrue(first.caller("not-a-token").isEmpty());
    }

    @Test
    void aSessionEndsWhenIdleAndAtItsLifetime() {
        NodeSessions sessions = sessions();
        Sessions.Session idle = sessions.open(OLGA);
        now = now.plus(Duration.ofMinutes(29));
        assertTrue(sessions.caller(idle.token()).isPresent(), "used within the idle time");
        now = now.plus(Duration.ofMinutes(31));
        assertTrue(sessions().caller(idle.token()).isEmpty(), "idle for 31 minutes");

        Sessions.Session busy = sessions.open(OLGA);
        for (int minute = 0; minute < 480; minute += 20) {
            now = now.plus(Duration.ofMinutes(20));
            if (minute + 20 < 480) {
                assertTrue(sessions.caller(busy.token()).isPresent(), "in use at minute " + (minute + 20));
            }
        }
        assertTrue(sessions.caller(busy.token()).isEmpty(), "past its lifetime, however busy");
    }

    @Test
    void aSessionEndsWhenItsAccountChanges() {
        NodeSessions sessions = sessions();
        Sessions.Session session = sessions.open(OLGA);
        accounts.put("olga", "fingerprint-2"); // a new password
        assertTrue(sessions.caller(session.token()).isEmpty());
        accounts.put("olga", "fingerprint-1");
        assertTrue(sessions().caller(session.token()).isEmpty(), "deleted, not merely refused");
    }
}

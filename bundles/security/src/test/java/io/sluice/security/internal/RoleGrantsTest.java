package io.sluice.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.auth.Privilege;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleGrantsTest {

    private final RoleGrants grants = RoleGrants.parse(new String[] {"viewer:read:logs*", "ops:manage:logs.a", " ", "all:read:*"});

    @Test
    void aPatternMatchesStreamsByPrefix() {
        assertTrue(grants.allows(Set.of("viewer"), Privilege.READ, "logs"));
        assertTrue(grants.allows(Set.of("viewer"), Privilege.READ, "logs.ssh"));
        assertFalse(grants.allows(Set.of("viewer"), Privilege.READ, "metrics"));
        assertFalse(grants.allows(Set.of("viewer"), Privilege.READ, "xlogs"));
    }

    @Test
    void manageImpliesReadButNotTheOtherWay() {
        assertTrue(grants.allows(Set.of("ops"), Privilege.READ, "logs.a"));
        assertTrue(grants.allows(Set.of("ops"), Privilege.MANAGE, "logs.a"));
        assertFalse(grants.allows(Set.of("ops"), Privilege.MANAGE, "logs.b"));
        assertFalse(grants.allows(Set.of("viewer"), Privilege.MANAGE, "logs"));
    }

    @Test
    void patternCharactersOtherThanStarAreLiteral() {
        RoleGrants dotted = RoleGrants.parse(new String[] {"r:read:logs.a"});
        assertFalse(dotted.allows(Set.of("r"), Privilege.READ, "logsXa"));
        assertTrue(grants.allows(Set.of("all"), Privilege.READ, "anything"));
    }

    @Test
    void badEntriesAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoleGrants.parse(new String[] {"viewer:write:logs"}));
        assertTrue(e.getMessage().contains("viewer:write:logs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoleGrants.parse(new String[] {"viewer:read"}));
    }

    @Test
    void oneEntryMayHoldSeveralGrants() {
        RoleGrants fromCfg = RoleGrants.parse(new String[] {"a:read:x, b:manage:y"});
        assertTrue(fromCfg.allows(Set.of("a"), Privilege.READ, "x"));
        assertTrue(fromCfg.allows(Set.of("b"), Privilege.MANAGE, "y"));
    }

    @Test
    void patternsListWhatARoleMaySee() {
        assertEquals(java.util.List.of("logs*", "*"), grants.patterns(Set.of("viewer", "all"), Privilege.READ));
        assertEquals(java.util.List.of("logs.a"), grants.patterns(Set.of("ops"), Privilege.MANAGE));
        assertEquals(java.util.List.of(), grants.patterns(Set.of("viewer"), Privilege.MANAGE));
    }

    @Test
    void noRoleNoPrivilege() {
        assertFalse(grants.allows(Set.of(), Privilege.READ, "logs"));
    }
}

package io.sluice.security.internal;

import io.sluice.auth.Privilege;
import io.sluice.auth.StreamPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parsed role grants: entries {@code <role>:<privilege>:<stream pattern>}, for example {@code viewer:read:logs*}.
 * A pattern is a stream name where {@code *} matches any run of characters. {@code manage} implies {@code read}.
 */
final class RoleGrants {

    /** One grant. */
    record Grant(String role, Privilege privilege, StreamPattern streams) {
    }

    private final List<Grant> grants;

    private RoleGrants(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    /**
     * Parses the configured entries; one entry may hold several separated by commas, as a {@code .cfg} file gives them.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    static RoleGrants parse(String[] entries) {
        List<Grant> grants = new ArrayList<>();
        for (String entry : java.util.Arrays.stream(entries).flatMap(e -> java.util.Arrays.stream(e.split(","))).map(String::trim).toList()) {
            if (entry.isEmpty()) {
                continue;
            }
            String[] parts = entry.split(":", 3);
            if (parts.length != 3 || parts[0].isBlank() || parts[2].isBlank()) {
                throw new IllegalArgumentException("grant '" + entry + "' must be <role>:<read|manage>:<stream pattern>");
            }
            Privilege privilege;
            try {
                privilege = Privilege.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("grant '" + entry + "': privilege must be read or manage", e);
            }
            grants.add(new Grant(parts[0].trim(), privilege, new StreamPattern(parts[2].trim())));
        }
        return new RoleGrants(grants);
    }

    /** The stream patterns on which any of the roles holds the privilege. */
    List<String> patterns(Set<String> roles, Privilege privilege) {
        return grants.stream()
            .filter(g -> roles.contains(g.role()) && (g.privilege() == privilege || g.privilege() == Privilege.MANAGE))
            .map(g -> g.streams().pattern())
            .distinct()
            .toList();
    }

    /** Whether any of the roles holds the privilege on the stream. */
    boolean allows(Set<String> roles, Privilege privilege, String stream) {
        for (Grant grant : grants) {
            boolean covers = grant.privilege() == privilege || grant.privilege() == Privilege.MANAGE;
            if (covers && roles.contains(grant.role()) && grant.streams().matches(stream)) {
                return true;
            }
        }
        return false;
    }
}

package io.sluice.auth;

import java.util.Objects;
import java.util.Set;

/**
 * An authenticated request: who is asking, with which roles, in which space.
 *
 * @param user the user name
 * @param roles the roles the user held when authenticated
 * @param space the space (tenant) the request acts in
 * @param authentication how the caller proved who it is
 */
public record Caller(String user, Set<String> roles, String space, Authentication authentication) {

    /** The space of callers that name none. */
    public static final String DEFAULT_SPACE = "default";

    /** How a caller was authenticated. */
    public enum Authentication {
        /** User name and password (HTTP Basic, or an SSH console login). */
        PASSWORD,
        /** An API key, such as the task API key a running task acts with. */
        API_KEY,
        /** The local console of the Karaf process. */
        LOCAL_CONSOLE,
        /** Sluice itself (reaper, cleanup); never given to a task or a route. */
        SYSTEM
    }

    /** All fields are required; the roles are copied. */
    public Caller {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(authentication, "authentication");
        roles = Set.copyOf(roles);
    }

    /** Sluice's own identity, for housekeeping that belongs to no user. */
    public static Caller system() {
        return new Caller("_system", Set.of(), DEFAULT_SPACE, Authentication.SYSTEM);
    }

    /** Whether this is Sluice itself. */
    public boolean isSystem() {
        return authentication == Authentication.SYSTEM;
    }
}

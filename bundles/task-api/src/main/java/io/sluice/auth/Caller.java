package io.sluice.auth;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An authenticated request: who is asking, with which roles, in which space.
 *
 * @param user the user name
 * @param roles the roles the user held when authenticated
 * @param space the space (tenant) the request acts in
 * @param authentication how the caller proved who it is
 * @param apiKey for a caller authenticated by an API key, the key and the scope frozen in it; {@code null} otherwise
 */
public record Caller(String user, Set<String> roles, String space, Authentication authentication, ApiKeyScope apiKey) {

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

    /** User, space and authentication are required; the roles are copied; only API key callers carry a key scope. */
    public Caller {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(authentication, "authentication");
        roles = Set.copyOf(roles);
        if ((apiKey != null) != (authentication == Authentication.API_KEY)) {
            throw new IllegalArgumentException("an API key scope belongs to exactly the callers authenticated by an API key");
        }
    }

    /** A caller that did not authenticate with an API key. */
    public Caller(String user, Set<String> roles, String space, Authentication authentication) {
        this(user, roles, space, authentication, null);
    }

    /** Sluice itself, for housekeeping that belongs to no user. */
    public static Caller system() {
        return new Caller("_system", Set.of(), DEFAULT_SPACE, Authentication.SYSTEM);
    }

    /** Whether this is Sluice itself. */
    public boolean isSystem() {
        return authentication == Authentication.SYSTEM;
    }

    /** The same caller acting in another space. */
    public Caller inSpace(String otherSpace) {
        return new Caller(user, roles, otherSpace, authentication, apiKey);
    }

    /** The key scope, for API key callers. */
    public Optional<ApiKeyScope> keyScope() {
        return Optional.ofNullable(apiKey);
    }
}

package io.sluice.security;

import io.sluice.auth.Caller;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Browser sessions: a user logs in once with a password and the browser carries an opaque token in an
 * {@code HttpOnly}, {@code SameSite=Strict} cookie. A session ends when it is closed (logout), when it has been idle
 * or alive too long, and when the accounts change (the users file, the JAAS realm or the access configuration: a
 * password change among them). Tokens are kept only as hashes. Sessions live in the node that opened them.
 *
 * <p>A request with a session is authenticated with {@link Credentials.Session} through the {@link Authenticator}.
 */
@ProviderType
public interface Sessions {

    /**
     * Opens a session for a caller who has just proved a password.
     *
     * @return the new session: its token (to set as the cookie) and when it expires at the latest
     */
    Session open(Caller caller);

    /** Ends a session (logout); an unknown token is ignored. */
    void close(String token);

    /**
     * An open session.
     *
     * @param token the opaque token, 32 random bytes in base64url
     * @param expiresAt when it ends at the latest, however active
     * @param idleSeconds how long it may go unused before it ends
     */
    record Session(String token, Instant expiresAt, long idleSeconds) {
        /** Never prints the token. */
        @Override
        public String toString() {
            return "Session[expiresAt=" + expiresAt + "]";
        }
    }
}

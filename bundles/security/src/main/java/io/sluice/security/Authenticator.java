package io.sluice.security;

import io.sluice.auth.Caller;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks credentials: passwords against the Karaf JAAS realm, API keys against the key index. The REST routes use it
 * for every request.
 */
@ProviderType
public interface Authenticator {

    /**
     * The caller the credentials prove, acting in {@code space}. A task API key acts in the space it was made for;
     * a different {@code space} is refused.
     *
     * @throws AuthenticationException if the credentials are wrong, expired or revoked
     */
    Caller authenticate(Credentials credentials, String space);

    /**
     * As {@link #authenticate(Credentials, String)}, from a known client address: failed password logins are counted
     * per user name and per address, and past a limit attempts are refused unchecked for a while.
     *
     * @param clientAddress the address the request came from, or {@code null} if unknown
     * @throws LoginThrottledException if this user name or address failed too often lately
     * @throws AuthenticationException if the credentials are wrong, expired or revoked
     * @since 1.2
     */
    Caller authenticate(Credentials credentials, String space, String clientAddress);
}

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
}

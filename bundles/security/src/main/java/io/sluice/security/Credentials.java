package io.sluice.security;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** What a request offers as proof of identity. */
public sealed interface Credentials permits Credentials.Password, Credentials.ApiKey, Credentials.Session {

    /**
     * A user name and password (HTTP Basic).
     *
     * @param user the user name
     * @param password the password
     */
    record Password(String user, String password) implements Credentials {
        /** Both are required. */
        public Password {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "Password[user=" + user + "]";
        }
    }

    /**
     * An API key ({@code Authorization: ApiKey base64(id:secret)}).
     *
     * @param id the key id
     * @param secret the key secret
     */
    record ApiKey(String id, String secret) implements Credentials {
        /** Both are required. */
        public ApiKey {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(secret, "secret");
        }

        /** Never prints the secret. */
        @Override
        public String toString() {
            return "ApiKey[id=" + id + "]";
        }
    }

    /**
     * A browser session ({@code sluice_session} cookie), opened by a password login through {@link Sessions}.
     *
     * @param token the session token
     */
    record Session(String token) implements Credentials {
        /** The token is required. */
        public Session {
            Objects.requireNonNull(token, "token");
        }

        /** Never prints the token. */
        @Override
        public String toString() {
            return "Session[...]";
        }
    }

    /**
     * Reads an HTTP {@code Authorization} header: {@code Basic base64(user:password)} or {@code ApiKey base64(id:secret)}.
     *
     * @return empty when there is no header
     * @throws AuthenticationException when the header is there but malformed (its value is not repeated)
     */
    static Optional<Credentials> fromAuthorizationHeader(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        // Read on every request: plain string operations, no regex.
        String trimmed = header.trim();
        int space = trimmed.indexOf(' ');
        if (space <= 0) {
            throw new AuthenticationException("the Authorization header must be 'Basic <base64>' or 'ApiKey <base64>'");
        }
        String[] parts = {trimmed.substring(0, space), trimmed.substring(space + 1).trim()};
        String scheme = parts[0].toLowerCase(Locale.ROOT);
        if (!scheme.equals("basic") && !scheme.equals("apikey")) {
            throw new AuthenticationException("unsupported authorization scheme '" + parts[0] + "': use Basic or ApiKey");
        }
        String decoded;
        try {
            byte[] bytes = Base64.getDecoder().decode(parts[1].trim());
            decoded = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new AuthenticationException("the Authorization header's credentials are not base64-encoded UTF-8");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new AuthenticationException("the Authorization header's credentials must be <name>:<secret>");
        }
        String name = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        return Optional.of(scheme.equals("basic") ? new Password(name, secret) : new ApiKey(name, secret));
    }
}

package io.sluice.security;

/** The request could not be authenticated (HTTP 401). The message never contains a secret. */
public class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message why, without any secret */
    public AuthenticationException(String message) {
        super(message);
    }
}

package io.sluice.auth;

import java.util.List;
import java.util.Objects;

/**
 * What an API key caller is limited to: the stream patterns its user could read and manage when the key was minted.
 * A task API key carries the scope frozen at schedule time, so a task never gets more than its user had then, even if
 * the grants widen later; the current grants of the key's roles still apply too, whichever is narrower.
 *
 * @param keyId the API key's id
 * @param read stream patterns readable when the key was minted
 * @param manage stream patterns manageable when the key was minted
 */
public record ApiKeyScope(String keyId, List<StreamPattern> read, List<StreamPattern> manage) {

    /** Copies the lists. */
    public ApiKeyScope {
        Objects.requireNonNull(keyId, "keyId");
        read = List.copyOf(read);
        manage = List.copyOf(manage);
    }

    /** Whether the scope covers the privilege on the stream ({@code manage} implies {@code read}). */
    public boolean allows(Privilege privilege, String stream) {
        if (manage.stream().anyMatch(p -> p.matches(stream))) {
            return true;
        }
        return privilege == Privilege.READ && read.stream().anyMatch(p -> p.matches(stream));
    }
}

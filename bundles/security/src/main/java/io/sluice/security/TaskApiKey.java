package io.sluice.security;

import java.util.Objects;

/**
 * The task API key of one task run, as stored in the task document: its id and its secret, encrypted with the node
 * key. The plain secret never leaves {@link TaskApiKeys}.
 *
 * @param id the key id
 * @param encryptedSecret the secret (with what else the key service needs to store the key on first use, such as
 *     its frozen scope), AES-GCM encrypted with the node key, base64
 */
public record TaskApiKey(String id, String encryptedSecret) {
    /** Both are required. */
    public TaskApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(encryptedSecret, "encryptedSecret");
    }

    /** Never prints the encrypted secret either. */
    @Override
    public String toString() {
        return "TaskApiKey[id=" + id + "]";
    }
}

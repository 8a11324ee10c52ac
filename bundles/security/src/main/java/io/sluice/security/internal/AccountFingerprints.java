package io.sluice.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What an account looks like now, as a keyed fingerprint of its line in {@code etc/users.properties} (which holds the
 * password, or its hash, and the roles): a session remembers the fingerprint it was opened with and ends when the
 * account's line changes (a new password, new roles, a removed user). The file is read again when it changes, looked
 * at once a second at most. For accounts not in the file (another JAAS realm), the fingerprint is the user's name
 * alone: sessions then end by time only.
 */
@Component(service = AccountFingerprints.class)
public final class AccountFingerprints {

    private static final long CHECK_NANOS = 1_000_000_000L;

    private final NodeTaskApiKeys keys;
    private final Path usersFile;
    private volatile Map<String, String> lines = Map.of();
    private volatile long modified = Long.MIN_VALUE;
    private volatile long checkedAt;

    /** Binds the node key's holder and finds the users file. */
    @Activate
    public AccountFingerprints(@Reference NodeTaskApiKeys keys, BundleContext context) {
        this.keys = keys;
        String etc = context.getProperty("karaf.etc");
        this.usersFile = etc == null ? null : Path.of(etc, "users.properties");
    }

    /** The account's fingerprint now; empty when this node has no key to make one with. */
    java.util.Optional<String> of(String user) {
        refresh();
        String line = lines.get(user);
        return keys.fingerprint(user + "\n" + (line == null ? "" : line));
    }

    private void refresh() {
        long now = System.nanoTime();
        if (usersFile == null || now - checkedAt < CHECK_NANOS) {
            return;
        }
        checkedAt = now;
        try {
            long current = Files.getLastModifiedTime(usersFile).toMillis();
            if (current == modified) {
                return;
            }
            Map<String, String> read = new HashMap<>();
            for (String line : Files.readAllLines(usersFile, StandardCharsets.UTF_8)) {
                String trimmed = line.trim();
                int equals = trimmed.indexOf('=');
                if (trimmed.isEmpty() || trimmed.startsWith("#") || equals <= 0) {
                    continue;
                }
                read.put(trimmed.substring(0, equals).trim(), trimmed.substring(equals + 1).trim());
            }
            lines = Map.copyOf(read);
            modified = current;
        } catch (IOException e) {
            lines = Map.of();
        }
    }
}

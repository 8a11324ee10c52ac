package io.sluice.itests;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The users, grants and node key every test container gets. Used on both sides (the test driver writes them into the
 * container's etc/, tests inside the container log in with them), so this class depends on nothing else.
 */
final class Accounts {

    /** The node key the container seals task API key secrets with: tests open them to look for leaks. */
    static final String NODE_KEY = Base64.getEncoder().encodeToString(
        "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    /** Users: name, password, Karaf roles. */
    static final String[][] USERS = {
        {"admin", "admin-pw", "_g_:admingroup"},
        {"ops", "ops-pw", "ops"},
        {"viewer", "viewer-pw", "viewer"},
        {"nobody", "nobody-pw", "guest"},
        // Only the login throttling test uses it: it ends the test throttled.
        {"guesser", "guesser-pw", "viewer"}};

    /** Admin manages everything, ops manages logs.a, viewer reads logs*; nobody has nothing. */
    static final String GRANTS = "admin:manage:*, viewer:read:logs*, ops:manage:logs.a";

    private Accounts() {
    }

    static String password(String user) {
        for (String[] u : USERS) {
            if (u[0].equals(user)) {
                return u[1];
            }
        }
        throw new IllegalArgumentException(user);
    }
}

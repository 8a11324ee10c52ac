package io.sluice.auth.internal;

import io.sluice.auth.Privilege;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a caller could read and manage when a task API key was minted: a running task never gets more, even if its
 * user's roles or the grants widen later.
 *
 * @param read stream patterns readable at mint time
 * @param manage stream patterns manageable at mint time
 */
record KeyScope(List<String> read, List<String> manage) {

    KeyScope {
        read = List.copyOf(read);
        manage = List.copyOf(manage);
    }

    boolean allows(Privilege privilege, String stream) {
        List<String> patterns = privilege == Privilege.READ ? read : manage;
        for (String pattern : patterns) {
            Pattern glob = RoleGrants.glob(pattern);
            if (glob.matcher(stream).matches()) {
                return true;
            }
        }
        return false;
    }
}

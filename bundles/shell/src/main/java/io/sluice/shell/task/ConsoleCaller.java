package io.sluice.shell.task;

import io.sluice.auth.Caller;
import java.security.AccessController;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/** The {@link Caller} of a console command: the user logged in to the session, with the roles JAAS gave them. */
public final class ConsoleCaller {

    private ConsoleCaller() {
    }

    /**
     * The caller running the current command.
     *
     * @throws IllegalStateException if the session has no authenticated user
     */
    @SuppressWarnings("removal") // Karaf 4.4 runs commands inside Subject.doAs; this is how it hands the subject over.
    public static Caller current() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject == null) {
            throw new IllegalStateException("this console session has no logged-in user");
        }
        String user = subject.getPrincipals(UserPrincipal.class).stream().map(UserPrincipal::getName).findFirst()
            .orElseThrow(() -> new IllegalStateException("this console session has no logged-in user"));
        Set<String> roles = subject.getPrincipals(RolePrincipal.class).stream().map(RolePrincipal::getName)
            .collect(Collectors.toSet());
        return new Caller(user, roles, Caller.DEFAULT_SPACE, Caller.Authentication.PASSWORD);
    }
}

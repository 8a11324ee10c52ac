package io.sluice.security.internal;

import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.auth.StreamPattern;
import io.sluice.security.AccessPolicy;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link AccessPolicy} of the role grants in configuration. An API key caller is limited to the scope frozen in its
 * key as well: the narrower of the two decides.
 */
@Component(service = AccessPolicy.class, configurationPid = "io.sluice.auth")
@Designate(ocd = AccessConfig.class)
public final class ConfiguredAccessPolicy implements AccessPolicy {

    private volatile RoleGrants grants;
    private volatile Set<String> adminRoles;

    /** Parses the grants; a bad entry fails activation with the entry named. */
    @Activate
    public ConfiguredAccessPolicy(AccessConfig config) {
        modified(config);
    }

    /**
     * New grants apply to the next request, without restarting anything that uses the policy. A bad entry is refused
     * (logged by DS, naming it) and the previous grants stay.
     */
    @Modified
    public void modified(AccessConfig config) {
        RoleGrants parsed = RoleGrants.parse(config.grants());
        Set<String> admins = Arrays.stream(config.adminRoles()).flatMap(r -> Arrays.stream(r.split(","))).map(String::trim)
            .filter(r -> !r.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.grants = parsed;
        this.adminRoles = admins;
    }

    @Override
    public boolean allows(Caller caller, Privilege privilege, String stream) {
        if (caller.isSystem()) {
            return true;
        }
        if (stream == null) {
            return isAdmin(caller);
        }
        if (caller.apiKey() != null && !caller.apiKey().allows(privilege, stream)) {
            return false;
        }
        return isAdmin(caller) || grants.allows(caller.roles(), privilege, stream);
    }

    @Override
    public java.util.List<String> streamPatterns(Caller caller, Privilege privilege) {
        java.util.List<String> granted = isAdmin(caller) ? java.util.List.of("*") : grants.patterns(caller.roles(), privilege);
        if (caller.apiKey() == null) {
            return granted;
        }
        // The key's frozen patterns that a current grant still covers. A grant covers a pattern when it matches the
        // pattern's own text: the pattern's '*'s can only fall on the grant's, so every stream it matches, the grant
        // matches too.
        java.util.List<StreamPattern> frozen = privilege == Privilege.MANAGE ? caller.apiKey().manage()
            : java.util.stream.Stream.concat(caller.apiKey().read().stream(), caller.apiKey().manage().stream()).toList();
        java.util.List<StreamPattern> current = granted.stream().map(StreamPattern::new).toList();
        return frozen.stream().map(StreamPattern::pattern)
            .filter(pattern -> current.stream().anyMatch(grant -> grant.matches(pattern)))
            .distinct().toList();
    }

    /** Administrators: Sluice itself, and callers holding an admin role, unless an API key narrows them to streams. */
    @Override
    public boolean isAdmin(Caller caller) {
        if (caller.isSystem()) {
            return true;
        }
        boolean keyCoversAll = caller.apiKey() == null || caller.apiKey().manage().stream().anyMatch(StreamPattern::matchesAll);
        return keyCoversAll && caller.roles().stream().anyMatch(adminRoles::contains);
    }
}

package io.sluice.auth.internal;

import io.sluice.auth.AccessPolicy;
import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/** The {@link AccessPolicy} of the role grants in configuration. */
@Component(service = AccessPolicy.class, configurationPid = "io.sluice.auth")
@Designate(ocd = AccessConfig.class)
public final class ConfiguredAccessPolicy implements AccessPolicy {

    private final RoleGrants grants;
    private final Set<String> adminRoles;

    /** Parses the grants; a bad entry fails activation with the entry named. */
    @Activate
    public ConfiguredAccessPolicy(AccessConfig config) {
        this.grants = RoleGrants.parse(config.grants());
        this.adminRoles = Arrays.stream(config.adminRoles()).flatMap(r -> Arrays.stream(r.split(","))).map(String::trim).filter(r -> !r.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean allows(Caller caller, Privilege privilege, String stream) {
        if (caller.isSystem() || isAdmin(caller)) {
            return true;
        }
        return stream != null && grants.allows(caller.roles(), privilege, stream);
    }

    @Override
    public java.util.List<String> streamPatterns(Caller caller, Privilege privilege) {
        return isAdmin(caller) ? java.util.List.of("*") : grants.patterns(caller.roles(), privilege);
    }

    @Override
    public boolean isAdmin(Caller caller) {
        return caller.isSystem() || caller.roles().stream().anyMatch(adminRoles::contains);
    }
}

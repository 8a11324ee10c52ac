package io.sluice.security;

import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Which streams a caller may read or manage, from the role grants in configuration. Task documents are checked
 * by their stream; tasks without a stream need the {@code admin} grant.
 */
@ProviderType
public interface AccessPolicy {

    /** Whether the caller holds the privilege on the stream. {@link Caller#system()} holds every privilege. */
    boolean allows(Caller caller, Privilege privilege, String stream);

    /** Whether the caller administers the task service (tasks without a stream, every stream). */
    boolean isAdmin(Caller caller);

    /**
     * The stream patterns on which the caller holds the privilege, for filtering searches: {@code *} matches any run
     * of characters. Administrators get {@code ["*"]}; a caller with no grant gets an empty list.
     */
    java.util.List<String> streamPatterns(Caller caller, Privilege privilege);
}

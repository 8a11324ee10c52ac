/**
 * How Sluice knows who is asking and what they may do: authentication against the Karaf JAAS realm and API keys
 * ({@link io.sluice.security.Authenticator}), the role grants on streams ({@link io.sluice.security.AccessPolicy}),
 * the task API keys tasks run with ({@link io.sluice.security.TaskApiKeys}) and browser sessions
 * ({@link io.sluice.security.Sessions}).
 *
 * <p>Used by Sluice's own bundles (the HTTP edge, the scheduler, the scoped clients); plugins never need it: a task
 * gets its clients from its {@code TaskContext}, a route gets its caller from the request.
 */
@Export
@Version("1.4.0")
package io.sluice.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

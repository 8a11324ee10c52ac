/**
 * Who is asking, and what they may touch.
 *
 * <p>A {@link io.sluice.auth.Caller} is an authenticated request: a person at the console or over HTTP, or a task
 * running on behalf of the person who scheduled it. {@link io.sluice.auth.AccessPolicy} says which streams a caller
 * may read or manage, and {@link io.sluice.auth.ScopedClientFactory} gives OpenSearch clients limited to exactly that.
 */
@Export
@Version("1.0.0")
package io.sluice.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

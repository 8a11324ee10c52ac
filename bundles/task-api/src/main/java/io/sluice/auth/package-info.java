/**
 * Who is asking, and the OpenSearch clients limited to what they may touch.
 *
 * <p>A {@link io.sluice.auth.Caller} is an authenticated request: a person at the console or over HTTP, or a task
 * running on behalf of the person who scheduled it (then with the {@link io.sluice.auth.ApiKeyScope} frozen in its task
 * API key). {@link io.sluice.auth.ScopedClientFactory} gives OpenSearch clients limited to exactly what a caller may
 * read and manage. How callers are authenticated and which grants they hold is the security bundle's business
 * ({@code io.sluice.security}), not part of this API.
 */
@Export
@Version("2.1.0")
package io.sluice.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

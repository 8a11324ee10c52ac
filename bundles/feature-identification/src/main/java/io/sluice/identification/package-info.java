/**
 * Features of streams: the systems feature identification finds ({@link io.sluice.identification.Feature}) and the
 * ones a user chose to keep ({@link io.sluice.identification.StreamFeatures}). Implemented by Sluice
 * ({@code @ProviderType}); read by the console and by anyone building on identified systems.
 */
@Export
@Version("1.0.0")
package io.sluice.identification;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * The JSON form of Sluice's task types, shared by the REST API, the console and the store, so that every front end
 * spells fields and statuses the same way.
 */
@Export
@Version("1.0.0")
package io.sluice.task.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/** The {@code task:*} console commands. */
@Header(name = "Karaf-Commands", value = "*")
package io.sluice.shell.task;

import org.osgi.annotation.bundle.Header;

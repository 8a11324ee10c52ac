/** The {@code streams:*} console commands. */
package io.sluice.shell.streams;

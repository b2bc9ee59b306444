/**
 * Gogo commands of scope {@code swarm}; private to this bundle (the commands are found by their
 * {@code osgi.command.*} service properties, not by type).
 */
package org.swarmosgi.shell.internal;

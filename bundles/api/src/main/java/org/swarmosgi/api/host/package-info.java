/**
 * Worker-host SPI: runs workers on this node for the registry. Implemented by
 * {@code org.swarmosgi.container}; the registry decides where workers run, the host runs them.
 */
@Export
@Version("1.2.0")
package org.swarmosgi.api.host;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

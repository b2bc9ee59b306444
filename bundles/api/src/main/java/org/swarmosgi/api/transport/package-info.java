/**
 * Transport SPI: node-to-node messaging. Implemented by {@code org.swarmosgi.transport.aeron};
 * used by the registry, the container and membership strategies.
 */
@Export
@Version("1.2.0")
package org.swarmosgi.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

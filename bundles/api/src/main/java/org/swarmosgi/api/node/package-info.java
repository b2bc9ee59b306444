/**
 * Node SPI: this node's identity and cluster credentials. Implemented by {@code org.swarmosgi.node}
 * from the {@code org.swarmosgi.node} configuration.
 */
@Export
@Version("1.1.0")
package org.swarmosgi.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

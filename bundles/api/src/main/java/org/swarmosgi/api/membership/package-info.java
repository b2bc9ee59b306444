/**
 * Membership SPI: which nodes are in the cluster. Implemented by one strategy bundle per node
 * (multicast, kubernetes, static), chosen by the node's {@code autocluster} setting.
 */
@Export
@Version("1.1.0")
package org.swarmosgi.api.membership;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

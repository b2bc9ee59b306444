/**
 * Consistent hashing: which node owns a name.
 *
 * <p>{@link org.swarmosgi.ring.HashRing} places names on members with virtual nodes, so that every
 * node computes the same owner from the same member set, loads are even, and a membership change
 * moves only the names of the node that came or went. {@link org.swarmosgi.ring.BoundedLoads} adds
 * the bounded-load mode of Mirrokni, Thorup and Zadimoghaddam. {@link org.swarmosgi.ring.NameHash}
 * is the specified 64-bit hash both use. Pure Java: no OSGi or other dependency.
 */
@Export
@Version("1.1.0")
package org.swarmosgi.ring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

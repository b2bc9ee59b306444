/**
 * The public API of Swarm for OSGi: the cluster-wide registry of named workers.
 *
 * <p>Users consume the {@link org.swarmosgi.api.SwarmRegistry} service and publish worker types as
 * {@link org.swarmosgi.api.WorkerType} services. Everything that crosses nodes is bytes with a
 * declared {@link org.swarmosgi.api.Codec}; plain Java serialization is never applied to bytes from
 * the network.
 */
@Export
@Version("1.3.0")
package org.swarmosgi.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * Cluster-wide configuration: a replicated catalog of allow-listed ConfigAdmin configurations
 * ({@link org.swarmosgi.clusterconfig.internal.ConfigCore}, a single-threaded state machine), its JSON
 * encoding ({@link org.swarmosgi.clusterconfig.internal.Json}), the component that connects it to
 * ConfigAdmin, the transport and membership, and {@code swarm:config}. Private: nothing here is exported.
 */
package org.swarmosgi.clusterconfig.internal;

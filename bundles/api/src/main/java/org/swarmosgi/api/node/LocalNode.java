package org.swarmosgi.api.node;

import java.nio.file.Path;

import org.swarmosgi.api.NodeId;

/**
 * This node: its identity, cluster, network settings and keys, published as an OSGi service.
 *
 * <p>The service carries the property {@value #AUTOCLUSTER} with the membership strategy chosen for
 * this node; each strategy's component targets it, so only the chosen one activates.
 * A configuration change that alters identity re-registers the service under a new incarnation.
 */
public interface LocalNode {

    /** Service property: the chosen membership strategy (multicast, kubernetes, static, none). */
    String AUTOCLUSTER = "swarm.autocluster";

    /** Name and incarnation of this run of the node. */
    NodeId id();

    /** The cluster this node belongs to; traffic of other clusters is refused. */
    String clusterName();

    /** The chosen membership strategy. */
    String autocluster();

    /**
     * The local address the node's sockets bind to. Loopback by default, so that a fresh node talks
     * to no network; {@code 0.0.0.0} or an interface address opens it to a LAN.
     */
    String bindAddress();

    /**
     * The address peers reach this node at: {@link #bindAddress()} unless that is a wildcard, then
     * the configured advertise address or the first non-loopback address.
     */
    String advertiseAddress();

    /** A folder of this node's own for runtime files (Aeron directory, state); exists. */
    Path workDirectory();

    /**
     * A 32-byte key derived from the cluster secret and the cluster name for one purpose (HKDF-SHA256
     * with {@code purpose} as info), so each protocol keys its MAC independently and the secret
     * itself never leaves this service. Returns a new array each call.
     *
     * @param purpose a short constant such as {@code "transport"} or {@code "membership"}
     */
    byte[] deriveKey(String purpose);

    /** True when the cluster secret is the built-in default: fine on loopback, unsafe on a network. */
    boolean usesDefaultSecret();
}

package org.swarmosgi.api.node;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Set;

import org.swarmosgi.api.NodeId;

import org.osgi.annotation.versioning.ProviderType;

/**
 * This node: its identity, cluster, network settings and keys, published as an OSGi service.
 *
 * <p>The service carries the property {@value #AUTOCLUSTER} with the membership strategy chosen for
 * this node; each strategy's component targets it, so only the chosen one activates.
 * A configuration change that alters identity re-registers the service under a new incarnation.
 */
@ProviderType
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
     * This node's roles (setting {@code roles}): a worker type that
     * {@linkplain org.swarmosgi.api.WorkerType#requiredRoles() requires roles} runs only on nodes that
     * have them all. Empty by default.
     *
     * @since 1.1
     */
    default Set<String> roles() {
        return Set.of();
    }

    /**
     * A 32-byte key derived from the cluster secret and the cluster name for one purpose (HKDF-SHA256
     * with {@code purpose} as info), so each protocol keys its MAC independently and the secret
     * itself never leaves this service. Returns a new array each call.
     *
     * @param purpose a short constant such as {@code "transport"} or {@code "membership"}
     */
    byte[] deriveKey(String purpose);

    /**
     * True when the cluster secret is the built-in development secret, whether defaulted (no secret
     * configured) or given literally: fine on loopback, unsafe on a network, since it is public.
     */
    boolean usesDefaultSecret();

    /**
     * The development-secret rule, in one place: a node whose secret is the development secret
     * ({@link #usesDefaultSecret()}) reaches loopback only. Whoever is about to bind, join or send
     * off this host checks each address with this method when it validates its configuration
     * (at activation, after resolving host names, never on a network thread): the node for its
     * bind and advertise addresses, a membership strategy for its interface and its seeds. A
     * wildcard address counts as off loopback (it listens on every interface).
     *
     * @param key     the configuration key the address comes from, named in the refusal
     * @param address the resolved address to bind, join or send to
     * @throws IllegalArgumentException when {@code address} is not a loopback address and the
     *                                  secret is the development secret; the message names
     *                                  {@code key} and the address and says how to fix it
     */
    default void requireSecretFor(String key, InetAddress address) {
        if (usesDefaultSecret() && !address.isLoopbackAddress()) {
            throw new IllegalArgumentException(key + ": " + address.getHostAddress() + " is off loopback, and the "
                    + "cluster secret is the built-in development secret: set cluster.secret or "
                    + "cluster.secret.file (PID org.swarmosgi.node)");
        }
    }
}

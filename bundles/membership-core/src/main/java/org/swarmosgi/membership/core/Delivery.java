package org.swarmosgi.membership.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/** How heartbeats travel: to a multicast group, or to a set of unicast targets. */
public sealed interface Delivery permits Delivery.Multicast, Delivery.Unicast {

    /**
     * Every node sends to and listens on one group. The socket binds the group address itself, so it
     * receives only the group's datagrams, never unicast.
     *
     * @param group            the multicast group (e.g. 230.0.0.251)
     * @param port             the group port, 1 to 65535; 0 lets the kernel pick one (read it back
     *                         with {@link MembershipEngine#localAddress()}): a first node picks, the
     *                         others join its port, so no port is probed free and released
     * @param interfaceAddress the interface to join on and send from, by one of its addresses;
     *                         the wildcard joins every up multicast-capable interface and sends by
     *                         the kernel's route
     * @param ttl              the multicast TTL, 0 to 255 (1 stays on the local network)
     */
    record Multicast(InetAddress group, int port, InetAddress interfaceAddress, int ttl) implements Delivery {
        public Multicast {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(interfaceAddress, "interfaceAddress");
            if (!group.isMulticastAddress()) {
                throw new IllegalArgumentException(group.getHostAddress() + " is not a multicast address");
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("multicast port must be 0..65535, was " + port);
            }
            if (ttl < 0 || ttl > 255) {
                throw new IllegalArgumentException("multicast ttl must be 0..255, was " + ttl);
            }
        }
    }

    /**
     * Each node heartbeats the targets its strategy sets ({@link MembershipEngine#setTargets}) plus
     * every member it has admitted; a node admits an authenticated stranger that the
     * {@link AdmissionFilter} accepts and heartbeats it back, so a node that knows only one seed
     * still converges.
     *
     * @param bind      the local address and port (0: any free port) of the membership socket
     * @param advertise the address peers heartbeat this node at, sent in every heartbeat; null lets
     *                  receivers use the datagram's source address
     * @param gossip    whether heartbeats carry a few members' membership endpoints, and received
     *                  ones are heartbeated, so nodes that share only a seed find each other
     */
    record Unicast(InetSocketAddress bind, InetAddress advertise, boolean gossip) implements Delivery {
        public Unicast {
            Objects.requireNonNull(bind, "bind");
            if (bind.isUnresolved()) {
                throw new IllegalArgumentException("unicast bind address is unresolved: " + bind);
            }
            if (advertise != null && advertise.isAnyLocalAddress()) {
                throw new IllegalArgumentException("unicast advertise address must not be a wildcard");
            }
        }
    }
}

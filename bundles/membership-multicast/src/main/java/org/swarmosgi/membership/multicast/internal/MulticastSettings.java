package org.swarmosgi.membership.multicast.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

import org.swarmosgi.membership.core.Delivery;
import org.swarmosgi.membership.core.Settings;
import org.swarmosgi.membership.core.Timing;

/** The checked form of {@link MulticastConfig}: every bad value refused with a message naming its key. */
record MulticastSettings(Delivery.Multicast delivery, Timing timing) {

    static MulticastSettings from(MulticastConfig config) {
        final int port = Settings.port("port", config.port(), false);
        final InetAddress group = Settings.multicastGroup("multicast_addr", config.multicast__addr());
        final int ttl = Settings.ttl("multicast_ttl", config.multicast__ttl());
        final InetAddress ifAddr = Settings.address("if_addr", config.if__addr());
        if (!ifAddr.isAnyLocalAddress()) {
            try {
                if (NetworkInterface.getByInetAddress(ifAddr) == null) {
                    throw new IllegalArgumentException("if_addr: no interface of this host has the address "
                            + ifAddr.getHostAddress() + " (use 127.0.0.1, 0.0.0.0 or an interface address)");
                }
            } catch (SocketException e) {
                throw new UncheckedIOException(new IOException("if_addr: cannot list interfaces", e));
            }
        }
        final Timing timing = Settings.timing(config.heartbeat__interval__ms(), config.phi__threshold(),
                config.acceptable__pause__ms(), config.min__std__deviation__ms());
        return new MulticastSettings(new Delivery.Multicast(group, port, ifAddr, ttl), timing);
    }
}

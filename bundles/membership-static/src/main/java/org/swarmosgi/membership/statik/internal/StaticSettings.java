package org.swarmosgi.membership.statik.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.membership.core.Delivery;
import org.swarmosgi.membership.core.Settings;
import org.swarmosgi.membership.core.Timing;

/** The checked form of {@link StaticConfig} with the node's addresses; bad values refused by key. */
record StaticSettings(List<InetSocketAddress> seeds, Delivery.Unicast delivery, Timing timing) {

    static StaticSettings from(StaticConfig config, LocalNode node) {
        final List<InetSocketAddress> seeds = Settings.endpoints("seeds", config.seeds());
        final int port = Settings.port("port", config.port(), true);
        final InetAddress bind = Settings.address("bindAddress (org.swarmosgi.node)", node.bindAddress());
        final InetAddress advertise = Settings.address("advertiseAddress (org.swarmosgi.node)", node.advertiseAddress());
        final Timing timing = Settings.timing(config.heartbeat__interval__ms(), config.phi__threshold(),
                config.acceptable__pause__ms(), config.min__std__deviation__ms());
        return new StaticSettings(seeds, new Delivery.Unicast(new InetSocketAddress(bind, port),
                advertise.isAnyLocalAddress() ? null : advertise, true), timing);
    }
}

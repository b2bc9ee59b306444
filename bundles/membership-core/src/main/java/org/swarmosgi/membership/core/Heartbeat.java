package org.swarmosgi.membership.core;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;

/**
 * One decoded heartbeat.
 *
 * @param id         the sender's name and incarnation
 * @param sequence   increases with every heartbeat of one incarnation
 * @param leave      the sender is stopping cleanly: remove it at once
 * @param transport  the sender's transport endpoint
 * @param membership where the sender takes heartbeats (unicast), or null: use the source address
 * @param peers      membership endpoints of some members the sender sees (unicast gossip), at most
 *                   {@link HeartbeatCodec#MAX_PEERS}
 */
public record Heartbeat(NodeId id, long sequence, boolean leave, Endpoint transport,
                        InetSocketAddress membership, List<InetSocketAddress> peers) {
    public Heartbeat {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(transport, "transport");
        peers = List.copyOf(peers);
        if (peers.size() > HeartbeatCodec.MAX_PEERS) {
            throw new IllegalArgumentException("at most " + HeartbeatCodec.MAX_PEERS + " peers, got " + peers.size());
        }
    }
}

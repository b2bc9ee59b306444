package org.swarmosgi.membership.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;

/**
 * Who this node is and how it heartbeats; the same for every delivery mode.
 *
 * @param clusterName       the cluster; heartbeats of other clusters are refused (1 to 255 UTF-8 bytes)
 * @param self              this node's name and incarnation
 * @param transportEndpoint the transport endpoint advertised in heartbeats (what members carry)
 * @param key               the 32-byte MAC key, {@code LocalNode.deriveKey("membership")}; copied
 * @param timing            heartbeat interval and failure detector settings
 */
public record EngineConfig(String clusterName, NodeId self, Endpoint transportEndpoint, byte[] key, Timing timing) {

    public EngineConfig {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(transportEndpoint, "transportEndpoint");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(timing, "timing");
        final int clusterBytes = clusterName.getBytes(StandardCharsets.UTF_8).length;
        if (clusterBytes < 1 || clusterBytes > 255) {
            throw new IllegalArgumentException("cluster name must be 1 to 255 UTF-8 bytes, was " + clusterBytes);
        }
        if (transportEndpoint.host().getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("transport endpoint host is longer than 255 bytes");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("membership key must be 32 bytes, was " + key.length);
        }
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }
}

package org.swarmosgi.node.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.node.LocalNode;

/** One run of this node: settings plus a fresh incarnation. Immutable. */
final class NodeIdentity implements LocalNode {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NodeSettings settings;
    private final NodeId id;

    NodeIdentity(NodeSettings settings) {
        this.settings = settings;
        this.id = new NodeId(settings.name(), newIncarnation());
    }

    /**
     * Start time in milliseconds, shifted, plus 16 random bits: a restart gets a larger incarnation
     * (clocks permitting), and two starts in one millisecond still differ.
     */
    static long newIncarnation() {
        return System.currentTimeMillis() << 16 | (RANDOM.nextInt() & 0xFFFF);
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public String clusterName() {
        return settings.clusterName();
    }

    @Override
    public String autocluster() {
        return settings.autocluster();
    }

    @Override
    public String bindAddress() {
        return settings.bindAddress();
    }

    @Override
    public String advertiseAddress() {
        return settings.advertiseAddress();
    }

    @Override
    public Path workDirectory() {
        return settings.workDirectory();
    }

    @Override
    public byte[] deriveKey(String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        if (purpose.isEmpty()) {
            throw new IllegalArgumentException("purpose must not be empty");
        }
        return Hkdf.derive(settings.clusterName().getBytes(StandardCharsets.UTF_8), settings.secret(),
                purpose.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean usesDefaultSecret() {
        return settings.defaultSecret();
    }

    @Override
    public String toString() {
        return id + " in cluster " + settings.clusterName() + " (" + settings.autocluster() + ", bind "
                + settings.bindAddress() + ", advertise " + settings.advertiseAddress() + ")";
    }
}

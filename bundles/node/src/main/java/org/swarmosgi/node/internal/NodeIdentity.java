package org.swarmosgi.node.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Set;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.node.LocalNode;

/**
 * One run of this node: settings plus a fresh incarnation. Immutable. Refuses settings that would
 * take the development secret off loopback, by the same rule ({@link #requireSecretFor}) that the
 * membership strategies apply to their own addresses.
 */
final class NodeIdentity implements LocalNode {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NodeSettings settings;
    private final NodeId id;

    NodeIdentity(NodeSettings settings) {
        this.settings = settings;
        requireSecretFor("bind.address", settings.bindAddress());
        requireSecretFor("advertise.address", settings.advertiseAddress());
        this.id = new NodeId(settings.name(), IncarnationFloor.next(settings.workDirectory(), newIncarnation()));
    }

    /** The SPI rule on one of this node's own addresses, refused as a node setting. */
    private void requireSecretFor(String key, String address) {
        try {
            // NodeSettings accepts IP literals only (or a local interface's address): no DNS here.
            requireSecretFor(key, InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "is not a valid IP address: '" + address + "'");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e);
        }
    }

    /**
     * Start time in milliseconds, shifted, plus 16 random bits: two starts in one millisecond still
     * differ. A restart whose clock stepped back is kept above the last run by {@link IncarnationFloor}.
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
    public Set<String> roles() {
        return settings.roles();
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

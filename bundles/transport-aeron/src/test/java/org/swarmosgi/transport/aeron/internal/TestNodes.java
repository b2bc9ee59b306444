package org.swarmosgi.transport.aeron.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.membership.core.AdmissionFilter;
import org.swarmosgi.membership.core.Delivery;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.MembershipEngine;
import org.swarmosgi.membership.core.Timing;

/** Settings for test nodes: loopback, ephemeral ports, Aeron directories under target/. */
final class TestNodes {
    static final Path NODES_DIR = Path.of("target", "test-nodes").toAbsolutePath();
    static final int ECHO = 1000;
    static final int SINK = 1001;
    static final int HOLD = 1002;
    static final int DIGEST = 1003;
    static final int BLOCKED = 1004;
    static final int FAILING = 1005;

    private TestNodes() {
    }

    /** The transport key as LocalNode documents it: HKDF-SHA256(salt = cluster, ikm = secret, info = "transport"). */
    static byte[] key(String cluster, String secret) {
        return key(cluster, secret, "transport");
    }

    /**
     * A real membership engine for a node whose transport is {@code transport}: unicast on loopback
     * (port 0), gossip on, heartbeating {@code seeds}.
     */
    static MembershipEngine membership(Transport transport, NodeId self, String cluster, String secret,
                                       List<InetSocketAddress> seeds) {
        try {
            final MembershipEngine engine = MembershipEngine.start(
                new EngineConfig(cluster, self, transport.localEndpoint(), key(cluster, secret, "membership"), Timing.DEFAULTS),
                new Delivery.Unicast(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, true),
                AdmissionFilter.ANY);
            engine.setTargets(seeds);
            return engine;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static MembershipEngine membership(AeronTransportEngine transport, String cluster, String secret) {
        return membership(transport, transport.self().id(), cluster, secret, List.of());
    }

    static byte[] key(String cluster, String secret, String purpose) {
        try {
            final Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(cluster.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            final byte[] prk = extract.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            final Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            expand.update(purpose.getBytes(StandardCharsets.UTF_8));
            expand.update((byte) 1);
            return expand.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static TransportSettings settings(String name, String cluster, String secret, int port) {
        final Path dir = NODES_DIR.resolve(name + "-" + UUID.randomUUID());
        final TransportSettings d = TransportSettings.defaults(new NodeId(name, incarnation()),
            cluster, key(cluster, secret), "127.0.0.1", port, dir);
        // Shorter waits than production so failure paths are quick to test.
        return new TransportSettings(d.nodeId(), d.clusterName(), d.key(), d.bindHost(), d.port(), d.advertiseHost(),
            d.aeronDir(), false, d.threading(), d.idle(), d.maxParkNs(), d.termLength(), d.chunkSize(), d.maxPayload(),
            d.callTimeout(), Duration.ofSeconds(2), Duration.ofMillis(1500), d.helloWindow(), 2);
    }

    /** Time-ordered, as real incarnations are (NodeIdentity): start ms shifted, plus 16 random bits. */
    static long incarnation() {
        return System.currentTimeMillis() << 16 | ThreadLocalRandom.current().nextInt(1 << 16);
    }

    /** A member as test commands spell it: {@code name#incarnation-hex@host:port}. */
    static String format(Member m) {
        return m.id().name() + "#" + Long.toHexString(m.id().incarnation()) + "@" + m.endpoint();
    }

    static Member member(String text) {
        final int hash = text.lastIndexOf('#');
        final int at = text.indexOf('@', hash);
        return new Member(new NodeId(text.substring(0, hash), Long.parseUnsignedLong(text.substring(hash + 1, at), 16)),
            Endpoint.parse(text.substring(at + 1)));
    }

    static ByteBuffer bytes(int size, long seed) {
        final byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    static byte[] sha256(ByteBuffer payload) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(payload.duplicate());
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] array(ByteBuffer b) {
        final byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}

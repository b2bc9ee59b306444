package org.swarmosgi.membership.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;

/**
 * The heartbeat wire format, big-endian:
 * <pre>
 *   magic 'S' 'W' | version u8 = 1 | flags u8 (bit 0: LEAVE)
 *   cluster: len u8, UTF-8 | name: len u8, UTF-8 | incarnation i64 | sequence i64
 *   transport host: len u8, UTF-8 | transport port u16
 *   membership endpoint: addr len u8 (0, 4 or 16), addr bytes, port u16
 *   peer count u8, each: addr len u8 (4 or 16), addr bytes, port u16
 *   MAC: first 16 bytes of HMAC-SHA256(key, everything before)
 * </pre>
 * Addresses travel as raw bytes so that decoding never resolves a name. Not thread-safe: one per
 * thread (it reuses its MAC and buffers).
 */
public final class HeartbeatCodec {

    /** Most peers one heartbeat carries; keeps a heartbeat well under one MTU. */
    public static final int MAX_PEERS = 8;
    /** Largest heartbeat: two 255-byte names, a 255-byte host, IPv6 addresses throughout. */
    public static final int MAX_SIZE = 4 + 256 + 256 + 16 + 258 + 19 + 1 + MAX_PEERS * 19 + 16;

    static final int MAC_LENGTH = 16;
    private static final byte MAGIC_0 = 'S';
    private static final byte MAGIC_1 = 'W';
    private static final byte VERSION = 1;
    private static final int FLAG_LEAVE = 1;

    private final byte[] cluster;
    private final Mac mac;
    private final byte[] macOut = new byte[32];

    /**
     * @param clusterName the cluster whose heartbeats this codec writes and accepts
     * @param key         the 32-byte membership key
     */
    public HeartbeatCodec(String clusterName, byte[] key) {
        this.cluster = clusterName.getBytes(StandardCharsets.UTF_8);
        if (cluster.length < 1 || cluster.length > 255) {
            throw new IllegalArgumentException("cluster name must be 1 to 255 UTF-8 bytes");
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Writes {@code heartbeat} into {@code out} from position 0 and flips it for sending.
     * {@code out} must be a heap buffer of at least {@link #MAX_SIZE} bytes.
     */
    public void encode(Heartbeat heartbeat, ByteBuffer out) {
        out.clear();
        out.put(MAGIC_0).put(MAGIC_1).put(VERSION).put((byte) (heartbeat.leave() ? FLAG_LEAVE : 0));
        putBytes(out, cluster);
        putBytes(out, heartbeat.id().name().getBytes(StandardCharsets.UTF_8));
        out.putLong(heartbeat.id().incarnation()).putLong(heartbeat.sequence());
        putBytes(out, heartbeat.transport().host().getBytes(StandardCharsets.UTF_8));
        out.putShort((short) heartbeat.transport().port());
        putAddress(out, heartbeat.membership());
        out.put((byte) heartbeat.peers().size());
        for (InetSocketAddress peer : heartbeat.peers()) {
            putAddress(out, peer);
        }
        mac.update(out.array(), out.arrayOffset(), out.position());
        try {
            mac.doFinal(macOut, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        out.put(macOut, 0, MAC_LENGTH);
        out.flip();
    }

    /**
     * Reads one heartbeat from the bytes between position and limit of a heap buffer.
     *
     * @throws RefusedException naming the reason when it is not a valid heartbeat of this cluster
     */
    Heartbeat decode(ByteBuffer in) throws RefusedException {
        final int start = in.position();
        final int end = in.limit();
        if (end - start < 4 + 2 + 2 + 16 + 2 + 2 + 3 + 1 + MAC_LENGTH || end - start > MAX_SIZE) {
            throw new RefusedException(Counter.REFUSED_MALFORMED, "length " + (end - start));
        }
        if (in.get(start) != MAGIC_0 || in.get(start + 1) != MAGIC_1) {
            throw new RefusedException(Counter.REFUSED_MALFORMED, "bad magic");
        }
        if (in.get(start + 2) != VERSION) {
            throw new RefusedException(Counter.REFUSED_VERSION, "version " + (in.get(start + 2) & 0xff));
        }
        final int clusterLength = in.get(start + 4) & 0xff;
        if (clusterLength != cluster.length || !regionEquals(in, start + 5, cluster)) {
            throw new RefusedException(Counter.REFUSED_FOREIGN_CLUSTER, "another cluster");
        }
        final int macAt = end - MAC_LENGTH;
        mac.update(in.array(), in.arrayOffset() + start, macAt - start);
        try {
            mac.doFinal(macOut, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        int difference = 0; // constant time, like MessageDigest.isEqual, without copying
        for (int i = 0; i < MAC_LENGTH; i++) {
            difference |= macOut[i] ^ in.get(macAt + i);
        }
        if (difference != 0) {
            throw new RefusedException(Counter.REFUSED_BAD_MAC, "bad MAC");
        }
        // Authenticated from here on, but still parsed strictly: a peer with the key may run a bug.
        final ByteBuffer body = in.duplicate();
        body.position(start + 3).limit(macAt);
        try {
            final int flags = body.get() & 0xff;
            if ((flags & ~FLAG_LEAVE) != 0) {
                throw new RefusedException(Counter.REFUSED_MALFORMED, "unknown flags " + flags);
            }
            skip(body, body.get() & 0xff);
            final String name = string(body);
            final long incarnation = body.getLong();
            final long sequence = body.getLong();
            final String host = string(body);
            final int port = body.getShort() & 0xffff;
            final InetSocketAddress membership = address(body, true);
            final int peerCount = body.get() & 0xff;
            if (peerCount > MAX_PEERS) {
                throw new RefusedException(Counter.REFUSED_MALFORMED, peerCount + " peers");
            }
            final List<InetSocketAddress> peers = new ArrayList<>(peerCount);
            for (int i = 0; i < peerCount; i++) {
                peers.add(address(body, false));
            }
            if (body.hasRemaining()) {
                throw new RefusedException(Counter.REFUSED_MALFORMED, "trailing bytes");
            }
            return new Heartbeat(new NodeId(name, incarnation), sequence, (flags & FLAG_LEAVE) != 0,
                    new Endpoint(host, port), membership, peers);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new RefusedException(Counter.REFUSED_MALFORMED, "garbled: " + e.getMessage());
        }
    }

    private static boolean regionEquals(ByteBuffer in, int at, byte[] expected) {
        if (at + expected.length > in.limit()) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (in.get(at + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static void skip(ByteBuffer body, int n) {
        body.position(body.position() + n);
    }

    private static String string(ByteBuffer body) throws RefusedException {
        final int length = body.get() & 0xff;
        if (length == 0) {
            throw new RefusedException(Counter.REFUSED_MALFORMED, "empty string");
        }
        final byte[] bytes = new byte[length];
        body.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static InetSocketAddress address(ByteBuffer body, boolean mayBeAbsent) throws RefusedException {
        final int length = body.get() & 0xff;
        if (length == 0 && mayBeAbsent) {
            body.getShort();
            return null;
        }
        if (length != 4 && length != 16) {
            throw new RefusedException(Counter.REFUSED_MALFORMED, "address of " + length + " bytes");
        }
        final byte[] bytes = new byte[length];
        body.get(bytes);
        final int port = body.getShort() & 0xffff;
        if (port == 0) {
            throw new RefusedException(Counter.REFUSED_MALFORMED, "port 0");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new RefusedException(Counter.REFUSED_MALFORMED, "address: " + e.getMessage());
        }
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        out.put((byte) bytes.length).put(bytes);
    }

    private static void putAddress(ByteBuffer out, InetSocketAddress address) {
        if (address == null) {
            out.put((byte) 0).putShort((short) 0);
            return;
        }
        final byte[] bytes = address.getAddress().getAddress();
        out.put((byte) bytes.length).put(bytes).putShort((short) address.getPort());
    }
}

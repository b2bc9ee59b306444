package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.swarmosgi.api.NodeId;

/**
 * Key handling. HELLO frames are authenticated with HMAC-SHA256 under the transport key itself (rare,
 * so the cost does not matter); each outbound session then gets its own SipHash key derived from the
 * transport key, the cluster, the sender and the HELLO nonce, so frames of one session are worthless
 * in any other.
 */
final class Keys {
    private static final byte[] SESSION_LABEL = "swarm-transport-session".getBytes(StandardCharsets.US_ASCII);

    private Keys() {
    }

    static Mac hmac(byte[] key) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The first 16 bytes of HMAC-SHA256 over {@code bytes[0, length)}. */
    static byte[] helloTag(Mac hmac, byte[] bytes, int length) {
        hmac.update(bytes, 0, length);
        final byte[] full = hmac.doFinal();
        final byte[] tag = new byte[SipHash128.TAG_LENGTH];
        System.arraycopy(full, 0, tag, 0, tag.length);
        return tag;
    }

    /**
     * True when {@code bytes[length, length + 16)} is the HELLO tag of {@code bytes[0, length)}. Allocates
     * nothing: it runs on frames from anyone.
     */
    static boolean sameTag(Mac hmac, byte[] bytes, int length) {
        final byte[] full = HELLO_DIGEST.get();
        hmac.update(bytes, 0, length);
        try {
            hmac.doFinal(full, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("HmacSHA256 gives 32 bytes", e);
        }
        int diff = 0;
        for (int i = 0; i < SipHash128.TAG_LENGTH; i++) {
            diff |= full[i] ^ bytes[length + i];
        }
        return diff == 0; // constant time, like MessageDigest.isEqual
    }

    private static final ThreadLocal<byte[]> HELLO_DIGEST = ThreadLocal.withInitial(() -> new byte[32]);


    static SipHash128 sessionMac(Mac hmac, String clusterName, NodeId sender, long nonceHi, long nonceLo) {
        final byte[] cluster = clusterName.getBytes(StandardCharsets.UTF_8);
        final byte[] name = sender.name().getBytes(StandardCharsets.UTF_8);
        final ByteBuffer info = ByteBuffer.allocate(SESSION_LABEL.length + 8 + cluster.length + name.length + 24)
            .order(ByteOrder.LITTLE_ENDIAN);
        info.put(SESSION_LABEL).putInt(cluster.length).put(cluster).putInt(name.length).put(name)
            .putLong(sender.incarnation()).putLong(nonceHi).putLong(nonceLo);
        hmac.update(info.array(), 0, info.position());
        final ByteBuffer key = ByteBuffer.wrap(hmac.doFinal()).order(ByteOrder.LITTLE_ENDIAN);
        return new SipHash128(key.getLong(0), key.getLong(8));
    }
}

package org.swarmosgi.node.internal;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869) producing one 32-byte block; the JDK 17 has HMAC but no HKDF. */
final class Hkdf {
    static final int KEY_LENGTH = 32;

    private Hkdf() {
    }

    /** OKM of length 32 = T(1) = HMAC(PRK, info || 0x01), PRK = HMAC(salt, ikm). */
    static byte[] derive(byte[] salt, byte[] ikm, byte[] info) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[KEY_LENGTH] : salt, "HmacSHA256"));
            final byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}

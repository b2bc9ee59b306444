package org.swarmosgi.deployment.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 values as 64 lower-case hex digits. */
final class Hashes {
    static final int BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    private Hashes() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    static byte[] bytes(String sha256) {
        check(sha256);
        return HEX.parseHex(sha256);
    }

    static void check(String sha256) {
        if (sha256.length() != 2 * BYTES) {
            throw new IllegalArgumentException("a SHA-256 is 64 hex digits, was " + sha256.length() + " characters");
        }
        for (int i = 0; i < sha256.length(); i++) {
            final char c = sha256.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new IllegalArgumentException("a SHA-256 is lower-case hex digits, found '" + c + "'");
            }
        }
    }

    /** The first 12 digits, for logs and tables. */
    static String shortly(String sha256) {
        return sha256.substring(0, Math.min(12, sha256.length()));
    }
}

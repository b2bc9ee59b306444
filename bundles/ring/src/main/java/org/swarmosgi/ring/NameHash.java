package org.swarmosgi.ring;

/**
 * The ring's hash: XXH64 (xxHash, 64-bit, seed 0) of the name's UTF-16LE code units.
 *
 * <p>Specified so that any implementation in any language places names identically: encode the
 * name as UTF-16 little-endian (two bytes per Java {@code char}, no byte-order mark) and apply
 * XXH64 with seed 0 as defined by the xxHash specification. Hashing the code units directly lets
 * a lookup hash a {@link CharSequence} without encoding it, so it allocates nothing.
 */
public final class NameHash {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private NameHash() {
    }

    /** XXH64, seed 0, of {@code name} as UTF-16LE. Allocates nothing. */
    public static long hash64(CharSequence name) {
        final int chars = name.length();
        final long byteLength = 2L * chars;
        int i = 0;
        long h;
        if (chars >= 16) { // 32-byte stripes = 16 chars
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            final int limit = chars - 16;
            do {
                v1 = round(v1, lane(name, i));
                v2 = round(v2, lane(name, i + 4));
                v3 = round(v3, lane(name, i + 8));
                v4 = round(v4, lane(name, i + 12));
                i += 16;
            } while (i <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = P5;
        }
        h += byteLength;
        for (; i + 4 <= chars; i += 4) { // 8-byte lanes
            h ^= round(0, lane(name, i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (i + 2 <= chars) { // a 4-byte word
            final long word = (name.charAt(i) & 0xFFFFL) | (name.charAt(i + 1) & 0xFFFFL) << 16;
            h ^= word * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 2;
        }
        if (i < chars) { // the last char: two single bytes, low byte first
            final char c = name.charAt(i);
            h ^= (c & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            h ^= ((c >>> 8) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        return avalanche(h);
    }

    private static long lane(CharSequence s, int i) {
        return (s.charAt(i) & 0xFFFFL)
                | (s.charAt(i + 1) & 0xFFFFL) << 16
                | (s.charAt(i + 2) & 0xFFFFL) << 32
                | (s.charAt(i + 3) & 0xFFFFL) << 48;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long val) {
        acc ^= round(0, val);
        return acc * P1 + P4;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }
}

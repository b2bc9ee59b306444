package org.swarmosgi.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import net.jpountz.xxhash.XXHashFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/** {@link NameHash} against XXH64 (seed 0) of the UTF-16LE bytes, as its Javadoc specifies. */
class NameHashTest {

    /** An independent XXH64 (lz4-java's pure-Java one) for the random inputs. */
    private static final net.jpountz.xxhash.XXHash64 ORACLE = XXHashFactory.safeInstance().hash64();

    /**
     * Fixed inputs and their XXH64 (seed 0) over UTF-16LE, computed outside this code base by a
     * byte-oriented XXH64 written from the xxHash specification (checked against the published
     * XXH64("") = EF46DB3751D8E999 and XXH64("abc" ASCII) = 44BC2CF5AD770999), and equal to lz4-java's.
     * Lengths cover every tail (0 to 3 chars after the 8-byte lanes) and 0, 1 and 3 whole 32-byte
     * stripes; non-ASCII, pairs and lone surrogates are hashed as code units, never re-encoded.
     * Placement depends on these: a change here moves every name in every running cluster.
     */
    private static final Object[][] VECTORS = {
                {"", 0xef46db3751d8e999L},
                {"a", 0xe513e02c99167f96L},
                {"ab", 0x2b4d0fc9e4bf29e2L},
                {"abc", 0xaff0f2a2f8b32731L},
                {"abcd", 0xad9338b32cda24c1L},
                {"abcdefg", 0xb9e5459c8f6ddf61L},
                {"device-42", 0x357edcf318b8f31aL},
                {"abcdefghijklmno", 0xe4992c56cd2d051fL},
                {"abcdefghijklmnop", 0x60db6bde64d53b78L},
                {"abcdefghijklmnopq", 0x44730cbf2ee4e17bL},
                {"abcdefghijklmnopqrstuvwxyz01234", 0x73f1748067309cc1L},
                {"abcdefghijklmnopqrstuvwxyz012345", 0xe2c39ca682041f90L},
                {"abcdefghijklmnopqrstuvwxyz0123456", 0x182cf77f9f750590L},
                {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL", 0xa13c13036d7baa0dL},
                {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZab", 0x78a32540b08f77c4L},
                {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789AB", 0x12e8cc675b226b4fL},
                {"Z\u00fcrich", 0x81fe95361e2f448aL},
                {"\u65e5\u672c\u8a9e", 0x648bb30adfed5361L},
                {"\ud83d\ude00", 0x62ee7595b8515d37L},
                {"\ud800", 0xccee8214b160e3bcL},
                {"\udc00", 0xa171e2dff23da789L},
                {"worker-\udbff\udfff-\udc00\ud800", 0x67f13fe1f25246b2L},
                {"xxxxxxxxxxxxxxx\ud83d\ude00yyyyyyyyyyyyyyyy", 0xc3e70a5e0efe1c44L},
                {"\uffff\u0000\u0100\u00ff", 0x7f1d079fd987f55cL},
    };

    @Test
    void matchesKnownVectors() {
        for (Object[] v : VECTORS) {
            final String name = (String) v[0];
            assertThat(NameHash.hash64(name)).as("NameHash of \"%s\" (%d chars)", name, name.length()).isEqualTo(v[1]);
            // Hashes a CharSequence as it is, not through toString().
            assertThat(NameHash.hash64(new StringBuilder(name))).isEqualTo(v[1]);
        }
    }

    @Test
    void theOracleIsXxh64() {
        // Published XXH64 (seed 0) values: what makes the oracle fit to judge NameHash below.
        assertThat(ORACLE.hash(new byte[0], 0, 0, 0)).isEqualTo(0xEF46DB3751D8E999L);
        final byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertThat(ORACLE.hash(abc, 0, abc.length, 0)).isEqualTo(0x44BC2CF5AD770999L);
        for (Object[] v : VECTORS) {
            assertThat(oracle((String) v[0])).isEqualTo(v[1]);
        }
    }

    @Property(tries = 2000)
    void equalsXxh64OfUtf16leBytes(@ForAll("names") String name) {
        Statistics.label("has a surrogate").collect(name.chars().anyMatch(c -> Character.isSurrogate((char) c)))
                .coverage(c -> c.check(true).percentage(p -> p > 20));
        Statistics.label("has a whole stripe").collect(name.length() >= 16)
                .coverage(c -> c.check(true).percentage(p -> p > 20));
        assertThat(NameHash.hash64(name)).isEqualTo(oracle(name));
    }

    /** Any UTF-16 code units, lone and paired surrogates among them, up to three stripes long. */
    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(100),
                Arbitraries.strings().withCharRange('\uD800', '\uDFFF').withChars("az-09").ofMaxLength(100));
    }

    @Test
    void everyLengthUpToThreeStripes() {
        final StringBuilder sb = new StringBuilder();
        for (int len = 0; len < 100; len++) {
            assertThat(NameHash.hash64(sb)).as("length %d", len).isEqualTo(oracle(sb.toString()));
            sb.append((char) ('a' + len % 26 + (len % 7 == 0 ? 0x400 : 0)));
        }
    }

    /** UTF_16LE in the JDK replaces lone surrogates, so the bytes are laid out by hand: one code unit, two bytes. */
    static long oracle(String s) {
        final byte[] b = new byte[2 * s.length()];
        for (int i = 0; i < s.length(); i++) {
            b[2 * i] = (byte) s.charAt(i);
            b[2 * i + 1] = (byte) (s.charAt(i) >>> 8);
        }
        return ORACLE.hash(b, 0, b.length, 0);
    }
}

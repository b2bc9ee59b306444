package org.swarmosgi.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import net.jpountz.xxhash.XXHashFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class NameHashTest {

    private static final net.jpountz.xxhash.XXHash64 ORACLE = XXHashFactory.safeInstance().hash64();

    @Test
    void matchesPublishedXxh64VectorsOnUtf16le() {
        // Published XXH64 (seed 0) values, checked through the oracle on the same bytes.
        assertThat(ORACLE.hash(new byte[0], 0, 0, 0)).isEqualTo(0xEF46DB3751D8E999L);
        final byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertThat(ORACLE.hash(abc, 0, abc.length, 0)).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(NameHash.hash64("")).isEqualTo(0xEF46DB3751D8E999L);
    }

    @Test
    void isPinned() {
        // Placement depends on these: a change here moves every name in every running cluster.
        assertThat(NameHash.hash64("device-42")).isEqualTo(oracle("device-42"));
        assertThat(NameHash.hash64("device-42")).isEqualTo(0x357edcf318b8f31aL);
    }

    @Property(tries = 2000)
    void equalsXxh64OfUtf16leBytes(@ForAll String name) {
        assertThat(NameHash.hash64(name)).isEqualTo(oracle(name));
    }

    @Test
    void everyLengthUpToThreeStripes() {
        final StringBuilder sb = new StringBuilder();
        for (int len = 0; len < 100; len++) {
            assertThat(NameHash.hash64(sb)).as("length %d", len).isEqualTo(oracle(sb.toString()));
            sb.append((char) ('a' + len % 26 + (len % 7 == 0 ? 0x400 : 0)));
        }
    }

    static long oracle(String s) {
        final byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
        return ORACLE.hash(b, 0, b.length, 0);
    }
}

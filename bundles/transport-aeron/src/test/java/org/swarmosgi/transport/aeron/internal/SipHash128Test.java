package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** SipHash-2-4-128 against the reference implementation's vectors (key 00..0f, message 00..len-1). */
class SipHash128Test {

    private static String tag(int length) {
        final ByteBuffer key = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            key.put((byte) i);
        }
        final SipHash128 mac = new SipHash128(key.getLong(0), key.getLong(8));
        final UnsafeBuffer message = new UnsafeBuffer(new byte[length + SipHash128.TAG_LENGTH]);
        for (int i = 0; i < length; i++) {
            message.putByte(i, (byte) i);
        }
        mac.sign(message, 0, length);
        assertThat(mac.verify(message, 0, length)).isTrue();
        final byte[] out = new byte[SipHash128.TAG_LENGTH];
        message.getBytes(length, out);
        return HexFormat.of().formatHex(out);
    }

    @Test
    void matchesTheReferenceVectors() {
        assertThat(tag(0)).isEqualTo("a3817f04ba25a8e66df67214c7550293");
        assertThat(tag(1)).isEqualTo("da87c1d86b99af44347659119b22fc45");
        assertThat(tag(7)).isEqualTo("a1f1ebbed8dbc153c0b84aa61ff08239");
        assertThat(tag(8)).isEqualTo("3b62a9ba6258f5610f83e264f31497b4");
        assertThat(tag(15)).isEqualTo("5493e99933b0a8117e08ec0f97cfc3d9");
        assertThat(tag(63)).isEqualTo("5150d1772f50834a503e069a973fbd7c");
    }

    @Test
    void anyFlippedBitFailsVerification() {
        final SipHash128 mac = new SipHash128(42, 43);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[48 + SipHash128.TAG_LENGTH]);
        frame.setMemory(0, 48, (byte) 7);
        mac.sign(frame, 0, 48);
        for (int bit = 0; bit < (48 + SipHash128.TAG_LENGTH) * 8; bit++) {
            frame.putByte(bit / 8, (byte) (frame.getByte(bit / 8) ^ (1 << (bit % 8))));
            assertThat(mac.verify(frame, 0, 48)).as("bit %d flipped", bit).isFalse();
            frame.putByte(bit / 8, (byte) (frame.getByte(bit / 8) ^ (1 << (bit % 8))));
        }
        assertThat(mac.verify(frame, 0, 48)).isTrue();
    }
}

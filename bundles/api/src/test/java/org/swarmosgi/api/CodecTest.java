package org.swarmosgi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CodecTest {

    @Test
    void utf8RoundTripsEveryPlane() {
        final String text = "counter-42 ünï 漢字 \uD83D\uDE00";
        assertThat(Codec.UTF8.decode(Codec.UTF8.encode(text))).isEqualTo(text);
        assertThat(Codec.UTF8.decode(new byte[0])).isEmpty();
    }

    @Test
    void utf8RefusesMalformedInputAsTheContractSays() {
        for (byte[] bad : new byte[][] {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {'o', 'k', (byte) 0x80}}) {
            assertThatThrownBy(() -> Codec.UTF8.decode(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not UTF-8");
        }
    }

    @Test
    void bytesPassThrough() {
        final byte[] b = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(Codec.BYTES.decode(Codec.BYTES.encode(b))).isEqualTo(b);
    }

    @Test
    void restartPolicyFollowsOtpModes() {
        assertThat(new RestartPolicy(RestartPolicy.Mode.PERMANENT, 1, java.time.Duration.ofSeconds(1)).restarts(false)).isTrue();
        assertThat(RestartPolicy.DEFAULT.restarts(true)).isTrue();
        assertThat(RestartPolicy.DEFAULT.restarts(false)).isFalse();
        assertThat(new RestartPolicy(RestartPolicy.Mode.TEMPORARY, 1, java.time.Duration.ofSeconds(1)).restarts(true)).isFalse();
        assertThatThrownBy(() -> new RestartPolicy(RestartPolicy.Mode.PERMANENT, -1, java.time.Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRestarts");
    }
}

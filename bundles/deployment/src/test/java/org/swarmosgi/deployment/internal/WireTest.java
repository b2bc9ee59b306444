package org.swarmosgi.deployment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.deployment.Deployment.State;

class WireTest {

    private static final String SHA = Sim.sha("x");
    private final Entry entry = new Entry("org.example.device", 3, true, "1.2.3.v2", SHA, 12_345, "node-a");

    @Test
    void everyMessageRoundTrips() {
        final List<Msg> messages = List.of(
                new Msg.Catalog(true, List.of(entry, entry.undeployed("b"))),
                new Msg.Catalog(false, List.of()),
                new Msg.Digest(Hashes.bytes(SHA)),
                new Msg.Status(List.of(new Report("b", 2, "1.0.0", SHA, State.FAILED, true, "cannot start b: ü"))));
        for (Msg m : messages) {
            assertThat(Wire.decode(ByteBuffer.wrap(Wire.encode(m)), 10, 1 << 20)).isEqualTo(m);
        }
    }

    @Test
    void boundsAreCheckedBeforeAnythingIsAllocated() {
        final byte[] many = Wire.encode(new Msg.Catalog(true, List.of(entry, entry, entry)));
        assertThatThrownBy(() -> Wire.decode(ByteBuffer.wrap(many), 2, 1 << 20)).hasMessage("count 3 is outside 0..2");
        assertThatThrownBy(() -> Wire.decode(ByteBuffer.wrap(many), 10, 100))
                .hasMessage("org.example.device: size 12345 is above the limit 100");
        final byte[] huge = ByteBuffer.allocate(7).put(Wire.VERSION).put(Wire.CATALOG).put((byte) 1)
                .putInt(Integer.MAX_VALUE).array();
        assertThatThrownBy(() -> Wire.decode(ByteBuffer.wrap(huge), 1024, 1 << 20))
                .hasMessage("count 2147483647 is outside 0..1024");
        final byte[] truncated = java.util.Arrays.copyOf(many, many.length - 1);
        assertThatThrownBy(() -> Wire.decode(ByteBuffer.wrap(truncated), 10, 1 << 20)).hasMessage("message is truncated");
        final byte[] trailing = java.util.Arrays.copyOf(many, many.length + 1);
        assertThatThrownBy(() -> Wire.decode(ByteBuffer.wrap(trailing), 10, 1 << 20))
                .hasMessage("1 bytes after the message");
        assertThatThrownBy(() -> Wire.decode(ByteBuffer.wrap(new byte[] {9, 1}), 10, 1 << 20))
                .hasMessage("unknown protocol version 9");
    }

    @Test
    void fetchRequestsAreCheckedToo() {
        final Wire.FetchRequest r = Wire.fetchRequest(Wire.fetchRequest(SHA, 65_536, 4096));
        assertThat(r).isEqualTo(new Wire.FetchRequest(SHA, 65_536, 4096));
        assertThatThrownBy(() -> Wire.fetchRequest(ByteBuffer.allocate(3))).hasMessage("a fetch request is 44 bytes, was 3");
        assertThatThrownBy(() -> Wire.fetchRequest(Wire.fetchRequest(SHA, -1, 1))).hasMessage("bad range: offset -1, length 1");
    }

    @Test
    void longErrorsAreCutToFitTheWire() {
        assertThat(Wire.cut("short")).isEqualTo("short");
        final String cut = Wire.cut("é".repeat(2000));
        assertThat(cut).endsWith("...");
        assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Wire.MAX_STRING);
        final String emoji = Wire.cut("\uD83D\uDE00".repeat(600));
        assertThat(emoji.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Wire.MAX_STRING);
        assertThat(Character.isHighSurrogate(emoji.charAt(emoji.length() - 4))).isFalse();
    }

    /** Random bytes never decode into anything but a message or an IllegalArgumentException. */
    @Property(tries = 2000)
    void garbageIsRefusedCleanly(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            Wire.decode(ByteBuffer.wrap(bytes), 16, 1 << 20);
        } catch (IllegalArgumentException expected) {
            // refused, naming why
        }
    }

    /** A valid message with one byte changed: decoded or refused, never anything else. */
    @Property(tries = 2000)
    void mutatedMessagesAreRefusedCleanly(@ForAll int position, @ForAll byte value) {
        final byte[] b = Wire.encode(new Msg.Status(List.of(new Report("b", 2, "1.0.0", SHA, State.ACTIVE, true, ""))));
        b[Math.floorMod(position, b.length)] = value;
        try {
            Wire.decode(ByteBuffer.wrap(b), 16, 1 << 20);
        } catch (IllegalArgumentException expected) {
            // refused
        }
    }
}

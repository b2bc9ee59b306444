package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;

class HeartbeatCodecTest {

    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
        Arrays.fill(OTHER_KEY, (byte) 8);
    }

    private final HeartbeatCodec codec = new HeartbeatCodec("prod", KEY);

    private static Heartbeat sample() throws Exception {
        return new Heartbeat(new NodeId("node-α", -42L), 123_456_789L, false, new Endpoint("10.0.0.1", 7000),
                new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 45892),
                List.of(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 1),
                        new InetSocketAddress(InetAddress.getByName("::1"), 65535)));
    }

    private ByteBuffer encode(HeartbeatCodec with, Heartbeat heartbeat) {
        final ByteBuffer out = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        with.encode(heartbeat, out);
        return out;
    }

    private Counter refusal(ByteBuffer in) {
        try {
            codec.decode(in);
        } catch (RefusedException e) {
            return e.reason();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void roundTrip() throws Exception {
        assertThat(codec.decode(encode(codec, sample()))).isEqualTo(sample());
        final Heartbeat leave = new Heartbeat(new NodeId("n", 1), 2, true, new Endpoint("host.example", 1), null,
                List.of());
        assertThat(codec.decode(encode(codec, leave))).isEqualTo(leave);
    }

    @Test
    void theLargestHeartbeatFits() throws Exception {
        final String longName = "n".repeat(255);
        final List<InetSocketAddress> peers = new ArrayList<>();
        for (int i = 0; i < HeartbeatCodec.MAX_PEERS; i++) {
            peers.add(new InetSocketAddress(InetAddress.getByName("fe80::" + (i + 1)), 1000 + i));
        }
        final HeartbeatCodec longCluster = new HeartbeatCodec("c".repeat(255), KEY);
        final Heartbeat big = new Heartbeat(new NodeId(longName, 1), 1, false, new Endpoint("h".repeat(255), 1),
                new InetSocketAddress(InetAddress.getByName("::2"), 2), peers);
        final ByteBuffer out = encode(longCluster, big);
        assertThat(out.remaining()).isEqualTo(HeartbeatCodec.MAX_SIZE);
        assertThat(longCluster.decode(out)).isEqualTo(big);
    }

    @Test
    void refusesAnotherCluster() throws Exception {
        assertThat(refusal(encode(new HeartbeatCodec("test", KEY), sample()))).isEqualTo(Counter.REFUSED_FOREIGN_CLUSTER);
        assertThat(refusal(encode(new HeartbeatCodec("prod2", KEY), sample()))).isEqualTo(Counter.REFUSED_FOREIGN_CLUSTER);
    }

    @Test
    void refusesAnotherSecret() throws Exception {
        assertThat(refusal(encode(new HeartbeatCodec("prod", OTHER_KEY), sample()))).isEqualTo(Counter.REFUSED_BAD_MAC);
    }

    @Test
    void refusesAnyFlippedBit() throws Exception {
        final ByteBuffer good = encode(codec, sample());
        for (int i = 0; i < good.limit(); i++) {
            for (int bit = 0; bit < 8; bit++) {
                final ByteBuffer bad = ByteBuffer.wrap(Arrays.copyOf(good.array(), good.limit()));
                bad.put(i, (byte) (bad.get(i) ^ (1 << bit)));
                assertThat(refusal(bad)).as("byte %d bit %d", i, bit).isIn(Counter.REFUSED_MALFORMED,
                        Counter.REFUSED_VERSION, Counter.REFUSED_FOREIGN_CLUSTER, Counter.REFUSED_BAD_MAC);
            }
        }
    }

    @Test
    void refusesEveryTruncationAndExtension() throws Exception {
        final ByteBuffer good = encode(codec, sample());
        for (int length = 0; length < good.limit(); length++) {
            assertThat(refusal(ByteBuffer.wrap(Arrays.copyOf(good.array(), length)))).as("length %d", length)
                    .isIn(Counter.REFUSED_MALFORMED, Counter.REFUSED_FOREIGN_CLUSTER, Counter.REFUSED_BAD_MAC);
        }
        assertThat(refusal(ByteBuffer.wrap(Arrays.copyOf(good.array(), good.limit() + 1))))
                .isEqualTo(Counter.REFUSED_BAD_MAC);
        assertThat(refusal(ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE + 1))).isEqualTo(Counter.REFUSED_MALFORMED);
    }

    @Test
    void refusesRandomBytes() {
        final Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            final byte[] bytes = new byte[random.nextInt(HeartbeatCodec.MAX_SIZE + 2)];
            random.nextBytes(bytes);
            if (bytes.length > 1 && random.nextBoolean()) {
                bytes[0] = 'S';
                bytes[1] = 'W';
            }
            assertThat(refusal(ByteBuffer.wrap(bytes))).isNotNull();
        }
    }

    @Test
    void refusesAnUnknownVersion() throws Exception {
        final ByteBuffer bad = encode(codec, sample());
        bad.put(2, (byte) 2);
        assertThat(refusal(bad)).isEqualTo(Counter.REFUSED_VERSION);
    }

    @Test
    void refusesAuthenticButGarbledContent() throws Exception {
        // A key holder running a bug: the MAC is right, the body is not. Re-MAC a mangled body.
        final ByteBuffer good = encode(codec, sample());
        final byte[] body = Arrays.copyOf(good.array(), good.limit() - HeartbeatCodec.MAC_LENGTH);
        body[3] = 4; // unknown flag
        assertThat(refusal(withMac(body))).isEqualTo(Counter.REFUSED_MALFORMED);
        final byte[] extra = Arrays.copyOf(good.array(), good.limit() - HeartbeatCodec.MAC_LENGTH + 1);
        assertThat(refusal(withMac(extra))).isEqualTo(Counter.REFUSED_MALFORMED); // trailing byte
        final byte[] cut = Arrays.copyOf(good.array(), good.limit() - HeartbeatCodec.MAC_LENGTH - 3);
        assertThat(refusal(withMac(cut))).isEqualTo(Counter.REFUSED_MALFORMED); // a peer cut short
    }

    private static ByteBuffer withMac(byte[] body) throws Exception {
        final javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        final byte[] tag = mac.doFinal(body);
        final ByteBuffer out = ByteBuffer.allocate(body.length + HeartbeatCodec.MAC_LENGTH);
        out.put(body).put(tag, 0, HeartbeatCodec.MAC_LENGTH).flip();
        return out;
    }

    @Test
    void aHeartbeatCarriesAtMostMaxPeers() throws Exception {
        final List<InetSocketAddress> peers = new ArrayList<>();
        for (int i = 0; i <= HeartbeatCodec.MAX_PEERS; i++) {
            peers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000 + i));
        }
        assertThatThrownBy(() -> new Heartbeat(new NodeId("n", 1), 1, false, new Endpoint("h", 1), null, peers))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostNamesTravelAsText_andAddressesAsRawBytes_soDecodingNeverLooksANameUp() throws Exception {
        final Heartbeat sent = new Heartbeat(new NodeId("n", 1), 1, false, new Endpoint("node-a.swarm.invalid", 7000),
                new InetSocketAddress(InetAddress.getByAddress("named.invalid", new byte[] {10, 0, 0, 9}), 45892),
                List.of(new InetSocketAddress(InetAddress.getByAddress("peer.invalid", new byte[] {10, 0, 0, 8}), 1)));
        final Heartbeat decoded = codec.decode(encode(codec, sent));
        // The transport host stays the text it was (members carry it; the transport resolves it, off this thread).
        assertThat(decoded.transport().host()).isEqualTo("node-a.swarm.invalid");
        // No host name came over the wire and none was looked up: the address has none attached.
        assertThat(decoded.membership().getAddress().toString()).isEqualTo("/10.0.0.9");
        assertThat(decoded.peers().get(0).getAddress().toString()).isEqualTo("/10.0.0.8");
    }
}

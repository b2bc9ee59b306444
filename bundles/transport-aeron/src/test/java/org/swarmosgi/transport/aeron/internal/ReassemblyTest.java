package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;
import org.swarmosgi.transport.aeron.internal.TransportStats.Drop;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Chunk reassembly, without Aeron: whole transfers in order are delivered intact; out-of-order,
 * overlapping, truncated, corrupted, oversized and abandoned ones are each counted as BAD_TRANSFER,
 * deliver nothing and hold nothing afterwards; memory grows with the data, not with the declared total.
 */
class ReassemblyTest {
    private static final int MAX_PAYLOAD = 1 << 20;
    private static final long STALL_NS = 1_000_000_000L;
    private static final long STREAM = 42;

    private TransportStats stats = new TransportStats();

    @BeforeTry
    void freshCounters() {
        stats = new TransportStats();
    }

    private Reassembly reassembly(long maxHeld) {
        return new Reassembly(MAX_PAYLOAD, maxHeld, STALL_NS, stats);
    }

    private record Chunk(int offset, int length) {
    }

    private static byte[] payload(int size, long seed) {
        final byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int crc(byte[] b) {
        final CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    private static List<Chunk> split(int total, int chunkSize) {
        final List<Chunk> chunks = new ArrayList<>();
        for (int at = 0; at < total; at += chunkSize) {
            chunks.add(new Chunk(at, Math.min(chunkSize, total - at)));
        }
        return chunks;
    }

    /** Feeds chunks of {@code data} (declared total and checksum given); returns the delivered payloads. */
    private static List<ByteBuffer> feed(Reassembly r, byte[] data, int total, int checksum, List<Chunk> chunks, long transferId) {
        final UnsafeBuffer src = new UnsafeBuffer(data);
        final List<ByteBuffer> delivered = new ArrayList<>();
        long now = 0;
        for (Chunk c : chunks) {
            final Reassembly.Transfer t = r.onChunk(STREAM, transferId, 2, 1000, 7, total, c.offset(), checksum, src,
                c.offset(), c.length(), now++);
            if (t != null) {
                delivered.add(t.payload());
            }
        }
        return delivered;
    }

    private void assertNothingHeldAndOneBadTransfer(Reassembly r, List<ByteBuffer> delivered) {
        assertThat(delivered).isEmpty();
        assertThat(r.heldBytes()).isZero();
        assertThat(r.inProgress()).isZero();
        assertThat(stats.dropped(Drop.BAD_TRANSFER)).isEqualTo(1);
    }

    @Property(tries = 200)
    void wholeTransfersInOrderAreDeliveredIntact(@ForAll @IntRange(min = 1, max = 300_000) int size,
                                                 @ForAll @IntRange(min = 1, max = 70_000) int chunkSize,
                                                 @ForAll long seed) {
        final byte[] data = payload(size, seed);
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        final List<ByteBuffer> delivered = feed(r, data, size, crc(data), split(size, chunkSize), 1);
        assertThat(delivered).hasSize(1);
        final byte[] got = new byte[delivered.get(0).remaining()];
        delivered.get(0).get(got);
        assertThat(got).isEqualTo(data);
        assertThat(r.heldBytes()).isZero();
        assertThat(stats.dropped(Drop.BAD_TRANSFER)).isZero();
    }

    @Property(tries = 200)
    void outOfOrderChunksAreABadTransfer(@ForAll @IntRange(min = 3, max = 40) int pieces, @ForAll long seed) {
        final int chunkSize = 1000;
        final int size = pieces * chunkSize;
        final byte[] data = payload(size, seed);
        final List<Chunk> chunks = split(size, chunkSize);
        final Random random = new Random(seed);
        final int i = 1 + random.nextInt(pieces - 2); // swap a later chunk in before its turn (not the first)
        Collections.swap(chunks, i, i + 1);
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        assertNothingHeldAndOneBadTransfer(r, feed(r, data, size, crc(data), chunks.subList(0, i + 1), 1));
    }

    @Property(tries = 200)
    void overlappingChunksAreABadTransfer(@ForAll @IntRange(min = 2, max = 40) int pieces,
                                          @ForAll @IntRange(min = 1, max = 999) int overlap, @ForAll long seed) {
        final int chunkSize = 1000;
        final int size = pieces * chunkSize;
        final byte[] data = payload(size, seed);
        final List<Chunk> chunks = new ArrayList<>(split(size, chunkSize));
        final int i = 1 + new Random(seed).nextInt(pieces - 1);
        final Chunk c = chunks.get(i);
        chunks.set(i, new Chunk(c.offset() - overlap, c.length())); // starts inside the previous one
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        assertNothingHeldAndOneBadTransfer(r, feed(r, data, size, crc(data), chunks.subList(0, i + 1), 1));
    }

    @Property(tries = 200)
    void aTruncatedTransferIsDroppedWhenItStallsOrItsStreamEnds(@ForAll @IntRange(min = 2, max = 40) int pieces,
                                                                @ForAll boolean streamEnds, @ForAll long seed) {
        final int size = pieces * 1000;
        final byte[] data = payload(size, seed);
        final List<Chunk> chunks = split(size, 1000);
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        final List<ByteBuffer> delivered = feed(r, data, size, crc(data), chunks.subList(0, 1 + new Random(seed).nextInt(pieces - 1)), 1);
        assertThat(r.heldBytes()).isPositive();
        if (streamEnds) {
            r.release(STREAM);
        } else {
            assertThat(r.expire(STALL_NS / 2)).isZero(); // not stalled yet
            assertThat(r.expire(10 * STALL_NS)).isEqualTo(1);
        }
        assertNothingHeldAndOneBadTransfer(r, delivered);
    }

    @Property(tries = 200)
    void aCorruptedPayloadFailsItsChecksum(@ForAll @IntRange(min = 1, max = 100_000) int size, @ForAll long seed) {
        final byte[] data = payload(size, seed);
        final int checksum = crc(data);
        final Random random = new Random(seed);
        final int bit = random.nextInt(size * 8);
        data[bit / 8] ^= (byte) (1 << (bit % 8));
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        assertNothingHeldAndOneBadTransfer(r, feed(r, data, size, checksum, split(size, 4096), 1));
    }

    @Property(tries = 100)
    void anOversizedOrEmptyTotalIsRefusedAtOnce(@ForAll("badTotals") int total) {
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        final byte[] data = payload(1000, total);
        assertNothingHeldAndOneBadTransfer(r, feed(r, data, total, 0, List.of(new Chunk(0, 1000)), 1));
    }

    @Provide
    Arbitrary<Integer> badTotals() {
        return Arbitraries.oneOf(Arbitraries.integers().between(MAX_PAYLOAD + 1, Integer.MAX_VALUE),
            Arbitraries.integers().between(Integer.MIN_VALUE, 0));
    }

    @Property(tries = 100)
    void anAbandonedTransferIsDroppedWhenTheNextBegins(@ForAll @IntRange(min = 2, max = 20) int pieces, @ForAll long seed) {
        final int size = pieces * 1000;
        final byte[] data = payload(size, seed);
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        feed(r, data, size, crc(data), split(size, 1000).subList(0, pieces - 1), 1); // abandoned before its end
        final List<ByteBuffer> delivered = feed(r, data, size, crc(data), split(size, 1000), 2);
        assertThat(delivered).hasSize(1); // the next one is whole
        assertThat(r.heldBytes()).isZero();
        assertThat(stats.dropped(Drop.BAD_TRANSFER)).isEqualTo(1);
    }

    @Example
    void aFirstChunkDoesNotAllocateTheDeclaredTotal() {
        final Reassembly r = reassembly(4L * MAX_PAYLOAD);
        final byte[] data = payload(100, 1);
        feed(r, data, MAX_PAYLOAD, 0, List.of(new Chunk(0, 100)), 1);
        assertThat(r.heldBytes()).isEqualTo(Reassembly.INITIAL_CAPACITY);
    }

    @Example
    void transfersTogetherHoldNoMoreThanTheGlobalCap() {
        final long cap = 3L * Reassembly.INITIAL_CAPACITY;
        final Reassembly r = new Reassembly(MAX_PAYLOAD, cap, STALL_NS, stats);
        final UnsafeBuffer src = new UnsafeBuffer(new byte[1000]);
        for (long stream = 0; stream < 10; stream++) { // ten peers each begin a 1 MiB transfer
            r.onChunk(stream, 1, 2, 1000, 7, MAX_PAYLOAD, 0, 0, src, 0, 1000, 0);
            assertThat(r.heldBytes()).isLessThanOrEqualTo(cap);
        }
        assertThat(r.inProgress()).isEqualTo(3);
        assertThat(stats.dropped(Drop.BAD_TRANSFER)).isEqualTo(7);
        for (long stream = 0; stream < 10; stream++) {
            r.release(stream);
        }
        assertThat(r.heldBytes()).isZero();
    }

    /** Random chunk headers and bytes on a few streams: never an exception, never more than the cap held. */
    @Property(tries = 300)
    void fuzzedChunksNeverThrowNorHoldMoreThanTheCapNorLeaveAnythingBehind(@ForAll long seed) {
        final Random random = new Random(seed);
        final long cap = 2L * MAX_PAYLOAD;
        final Reassembly r = new Reassembly(MAX_PAYLOAD, cap, STALL_NS, stats);
        final UnsafeBuffer src = new UnsafeBuffer(payload(70_000, seed));
        long now = 0;
        int delivered = 0;
        for (int i = 0; i < 200; i++) {
            final long stream = random.nextInt(4);
            final int total = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(200_000);
            final int offset = random.nextInt(3) == 0 ? 0 : random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(200_000);
            final int length = 1 + random.nextInt(70_000);
            now += random.nextInt(1_000_000);
            if (r.onChunk(stream, random.nextInt(3), random.nextInt(5), 1000, random.nextInt(2), total, offset,
                random.nextInt(2), src, 0, length, now) != null) {
                delivered++;
            }
            assertThat(r.heldBytes()).isBetween(0L, cap);
        }
        for (long stream = 0; stream < 4; stream++) {
            r.release(stream);
        }
        assertThat(r.heldBytes()).isZero();
        assertThat(r.inProgress()).isZero();
        assertThat(delivered).isLessThanOrEqualTo(200);
    }
}

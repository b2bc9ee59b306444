package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.swarmosgi.transport.aeron.internal.TransportStats.Drop;

/**
 * Puts large payloads back together from their chunks: at most one transfer per inbound stream, chunks
 * in order and without overlap, checked against the declared total and the CRC-32C of the whole. Pure
 * (no Aeron), single-threaded (the receive thread). Memory is bounded before anything is delivered: a
 * transfer's array grows as data arrives (never to the declared total up front, which costs a sender
 * nothing to lie about), all transfers together hold at most {@code maxHeldBytes}, and a transfer that
 * makes no progress for {@code stallNs} is dropped. Every failure is counted as
 * {@link Drop#BAD_TRANSFER} and leaves nothing held.
 */
final class Reassembly {
    /** First allocation of a transfer; doubled as data arrives, capped at the declared total. */
    static final int INITIAL_CAPACITY = 64 * 1024;

    private final int maxPayload;
    private final long maxHeldBytes;
    private final long stallNs;
    private final TransportStats stats;
    private final Long2ObjectHashMap<Transfer> transfers = new Long2ObjectHashMap<>();
    private final CRC32C crc = new CRC32C();
    private long heldBytes;

    /** A transfer in progress, and once complete, what it delivers. */
    static final class Transfer {
        final long transferId;
        final int kind;
        final int topic;
        final long correlationId;
        final int checksum;
        final int total;
        byte[] bytes;
        int filled;
        long lastProgressNs;

        Transfer(long transferId, int kind, int topic, long correlationId, int checksum, int total) {
            this.transferId = transferId;
            this.kind = kind;
            this.topic = topic;
            this.correlationId = correlationId;
            this.checksum = checksum;
            this.total = total;
        }

        /** The whole payload, read-only; valid once {@link Reassembly#onChunk} returned this transfer. */
        ByteBuffer payload() {
            return ByteBuffer.wrap(bytes, 0, total).asReadOnlyBuffer();
        }
    }

    Reassembly(int maxPayload, long maxHeldBytes, long stallNs, TransportStats stats) {
        this.maxPayload = maxPayload;
        this.maxHeldBytes = maxHeldBytes;
        this.stallNs = stallNs;
        this.stats = stats;
    }

    /**
     * Takes one authenticated chunk of stream {@code stream}.
     *
     * @return the completed transfer when this was its last chunk and the checksum matches, else null
     */
    Transfer onChunk(long stream, long transferId, int kind, int topic, long correlationId, int total, int offset,
                     int checksum, DirectBuffer src, int srcOffset, int length, long nowNs) {
        Transfer t = transfers.get(stream);
        if (offset == 0) {
            if (t != null) {
                drop(stream, t); // the sender abandoned it and started another
            }
            if (total <= 0 || total > maxPayload || length <= 0) {
                stats.drop(Drop.BAD_TRANSFER);
                return null;
            }
            t = new Transfer(transferId, kind, topic, correlationId, checksum, total);
            t.bytes = new byte[0];
            transfers.put(stream, t);
        } else if (t == null) {
            stats.drop(Drop.BAD_TRANSFER); // a middle chunk of a transfer we never saw begin (or dropped)
            return null;
        }
        if (t.transferId != transferId || t.total != total || t.checksum != checksum || t.kind != kind
            || t.topic != topic || t.correlationId != correlationId || offset != t.filled || length <= 0
            || length > total - offset) {
            drop(stream, t); // out of order, overlapping, beyond the end or changing its own header
            return null;
        }
        final int needed = offset + length;
        if (needed > t.bytes.length && !grow(t, needed)) {
            drop(stream, t);
            return null;
        }
        src.getBytes(srcOffset, t.bytes, offset, length);
        t.filled = needed;
        t.lastProgressNs = nowNs;
        if (t.filled < total) {
            return null;
        }
        transfers.remove(stream);
        heldBytes -= t.bytes.length;
        crc.reset();
        crc.update(t.bytes, 0, total);
        if ((int) crc.getValue() != t.checksum) {
            stats.drop(Drop.BAD_TRANSFER);
            return null;
        }
        return t;
    }

    private boolean grow(Transfer t, int needed) {
        final long doubled = Math.max(INITIAL_CAPACITY, 2L * t.bytes.length);
        final int capacity = (int) Math.min(t.total, Math.max(needed, doubled));
        final long extra = capacity - t.bytes.length;
        if (heldBytes + extra > maxHeldBytes) {
            return false;
        }
        t.bytes = Arrays.copyOf(t.bytes, capacity);
        heldBytes += extra;
        return true;
    }

    private void drop(long stream, Transfer t) {
        transfers.remove(stream);
        heldBytes -= t.bytes.length;
        stats.drop(Drop.BAD_TRANSFER);
    }

    /** The stream ended or its session was replaced: a transfer in progress is abandoned. */
    void release(long stream) {
        final Transfer t = transfers.get(stream);
        if (t != null) {
            drop(stream, t);
        }
    }

    /** Drops transfers without progress for the stall timeout. @return how many */
    int expire(long nowNs) {
        if (transfers.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (final Long2ObjectHashMap<Transfer>.EntryIterator it = transfers.entrySet().iterator(); it.hasNext(); ) {
            it.next();
            final Transfer t = it.getValue();
            if (nowNs - t.lastProgressNs > stallNs) {
                it.remove();
                heldBytes -= t.bytes.length;
                stats.drop(Drop.BAD_TRANSFER);
                n++;
            }
        }
        return n;
    }

    /** Bytes held by transfers in progress. */
    long heldBytes() {
        return heldBytes;
    }

    /** Transfers in progress. */
    int inProgress() {
        return transfers.size();
    }
}

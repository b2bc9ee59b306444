package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.transport.TransportException.Reason;
import org.swarmosgi.transport.aeron.internal.codec.Kind;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;

/**
 * The outbound side of one peer incarnation: an exclusive Aeron publication to its endpoint, used by any
 * thread under a fair lock. The lock gives one order per sender-receiver pair and lets the link own
 * one frame buffer, so small sends allocate nothing. Large payloads take a second lock for the whole
 * transfer but the frame lock only per chunk: small messages from other threads slip in between.
 */
final class PeerLink implements AutoCloseable {
    private static final int HELLO_CAPACITY = 2048;

    private final Member target;
    private final ExclusivePublication publication;
    private final OutboundFrames frames;
    private final int chunkSize;
    private final long retryNs;
    private final long connectNs;
    private final SecureRandom random;
    private final Runnable afterSend;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final ReentrantLock transferLock = new ReentrantLock(true);
    private final UnsafeBuffer helloBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(HELLO_CAPACITY, 64));
    private final UnsafeBuffer frameBuffer;
    private final IdleStrategy retryIdle =
        new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));

    // Guarded by lock. The last sequence number of this session: 0 after each HELLO, then +1 per frame.
    private long seq;
    private int helloLength;
    private boolean helloSent;
    // Guarded by transferLock.
    private long transfers;
    private volatile boolean broken;
    /** Set at the first frame taken: from then on a lost receiver fails sends at once instead of waiting to connect. */
    private volatile boolean connectedOnce;
    private volatile boolean helloWanted;
    private volatile boolean skipOnce;

    PeerLink(Member target, ExclusivePublication publication, OutboundFrames frames, TransportSettings settings,
             SecureRandom random, Runnable afterSend) {
        this.afterSend = afterSend;
        this.target = target;
        this.publication = publication;
        this.frames = frames;
        this.chunkSize = settings.chunkSize();
        this.retryNs = settings.sendRetryTimeout().toNanos();
        this.connectNs = settings.connectTimeout().toNanos();
        this.random = random;
        this.frameBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.findNextPositivePowerOfTwo(chunkSize + TransportSettings.FRAME_OVERHEAD), 64));
    }

    Member target() {
        return target;
    }

    /** False once the publication reached its end; the engine then replaces the link. */
    boolean usable() {
        return !broken && !publication.isClosed();
    }

    boolean isConnected() {
        return publication.isConnected();
    }

    /**
     * Makes the next frame a fresh HELLO. Called when a call to this peer timed out (our stream may
     * have joined a new receiver mid-way, which drops frames for want of a HELLO), and when the peer
     * asks for it (REHELLO: it broke our stream on a gap in the sequence).
     */
    void rehello() {
        helloWanted = true;
    }

    /** Test hook: the next frame skips a sequence number. */
    void skipSequence() {
        skipOnce = true;
    }

    /**
     * Sends one message, chunked when larger than the chunk size; returns when every frame is in the
     * publication.
     *
     * @throws TransportException after the bounded retry, naming the reason
     */
    void send(Kind kind, int topic, long correlationId, ByteBuffer payload) {
        final int length = payload.remaining();
        if (length <= chunkSize) {
            lock.lock();
            try {
                offer(frames.message(frameBuffer, 0, kind, topic, correlationId, payload, payload.position(), length));
            } finally {
                lock.unlock();
            }
        } else {
            sendChunks(kind, topic, correlationId, payload, length);
        }
    }

    private void sendChunks(Kind kind, int topic, long correlationId, ByteBuffer payload, int length) {
        final CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        final int checksum = (int) crc.getValue();
        final int base = payload.position();
        transferLock.lock();
        try {
            final long transferId = ++transfers;
            for (int offset = 0; offset < length; offset += chunkSize) {
                final int n = Math.min(chunkSize, length - offset);
                lock.lock();
                try {
                    offer(frames.chunk(frameBuffer, 0, kind, topic, correlationId, transferId, length, offset, checksum,
                        payload, base + offset, n));
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            transferLock.unlock();
        }
    }

    /** Offers the frame in frameBuffer, preceded by a HELLO whenever the stream (re)connects. */
    private void offer(int frameLength) {
        final long start = System.nanoTime();
        retryIdle.reset();
        if (helloWanted) {
            helloWanted = false;
            helloSent = false;
            helloLength = 0;
        }
        while (true) {
            long result;
            if (!helloSent) {
                if (helloLength == 0) {
                    helloLength = frames.hello(helloBuffer, System.currentTimeMillis(), random.nextLong(), random.nextLong());
                }
                result = publication.offer(helloBuffer, 0, helloLength);
                helloSent = result > 0;
                if (helloSent) {
                    seq = 0; // a new session key: the receiver expects 1 next
                }
            } else {
                result = 0;
            }
            if (helloSent) {
                if (skipOnce) {
                    skipOnce = false;
                    seq++;
                }
                // Numbered (and signed) only now: a HELLO sent above restarts the numbering.
                OutboundFrames.sequence(frameBuffer, seq + 1);
                frames.sign(frameBuffer, frameLength);
                result = publication.offer(frameBuffer, 0, frameLength);
                if (result > 0) {
                    seq++;
                    connectedOnce = true;
                    afterSend.run();
                    return;
                }
                if (result == Publication.NOT_CONNECTED) {
                    // The receiver went away; whoever connects next joins mid-stream and must see a new HELLO first.
                    helloSent = false;
                    helloLength = 0;
                }
            }
            failIfDue(result, System.nanoTime() - start, frameLength);
            retryIdle.idle();
        }
    }

    private void failIfDue(long result, long waitedNs, int frameLength) {
        if (result == Publication.CLOSED) {
            throw new TransportException(Reason.NOT_CONNECTED, "the link to " + target + " was released");
        }
        if (result == Publication.MAX_POSITION_EXCEEDED) {
            broken = true;
            throw new TransportException(Reason.MAX_POSITION_EXCEEDED,
                "the stream to " + target + " reached its end; the next send opens a new one");
        }
        if (result == Publication.NOT_CONNECTED && connectedOnce) {
            // Its receiver was there and is gone (the peer stopped, crashed or is cut off): waiting for the connect
            // timeout would hold every sender to this peer, and the threads they share, for nothing.
            throw new TransportException(Reason.NOT_CONNECTED, "the link to " + target + " lost its receiver");
        }
        if (result == Publication.NOT_CONNECTED && waitedNs > connectNs) {
            throw new TransportException(Reason.NOT_CONNECTED,
                "no receiver at " + target + " within " + TimeUnit.NANOSECONDS.toMillis(connectNs) + " ms");
        }
        if (result == Publication.BACK_PRESSURED && waitedNs > retryNs) {
            throw new TransportException(Reason.BACK_PRESSURED, target + " did not take a " + frameLength
                + "-byte frame within " + TimeUnit.NANOSECONDS.toMillis(retryNs) + " ms");
        }
        if (result == Publication.ADMIN_ACTION && waitedNs > retryNs) {
            throw new TransportException(Reason.ADMIN_ACTION, "the media driver stayed busy for "
                + TimeUnit.NANOSECONDS.toMillis(retryNs) + " ms sending to " + target);
        }
    }

    @Override
    public void close() {
        publication.close();
    }
}

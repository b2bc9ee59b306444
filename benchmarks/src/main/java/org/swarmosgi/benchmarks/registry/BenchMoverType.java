package org.swarmosgi.benchmarks.registry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerType;

/**
 * The moves benchmark's worker: a counter whose state is its count (8 bytes) followed by {@code pad}
 * bytes (its start argument, a 4-byte int), so a move or a checkpoint carries that much. It answers
 * {@code beginHandoff} with resume(state), checkpoints at {@code -Dbench.checkpoint.ms} (0: none), and
 * notes in {@link Stats} when each instance started, got its state and handled its first message
 * (System.nanoTime, comparable across the machine's processes).
 *
 * <p>Messages: {@code 'i'} counts one up, {@code 'g'} reads; the reply is the count (8 bytes) and the
 * number of the node that answered (4 bytes).
 */
final class BenchMoverType implements WorkerType<byte[], byte[]> {
    static final String TYPE = "bench-mover";
    static final byte INC = 'i';
    static final byte GET = 'g';

    private final int nodeNumber;
    private final Duration checkpointInterval;

    BenchMoverType(int nodeNumber, Duration checkpointInterval) {
        this.nodeNumber = nodeNumber;
        this.checkpointInterval = checkpointInterval;
    }

    static byte[] args(int pad) {
        return ByteBuffer.allocate(4).putInt(pad).array();
    }

    @Override
    public Codec<byte[]> codec() {
        return Codec.BYTES;
    }

    @Override
    public Codec<byte[]> replyCodec() {
        return Codec.BYTES;
    }

    @Override
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    @Override
    public Worker<byte[], byte[]> create(WorkerContext<byte[]> context) {
        final byte[] a = context.args();
        return new Mover(context.startReason(), a.length == 4 ? ByteBuffer.wrap(a).getInt() : 0);
    }

    /** What this JVM's movers did, for the benchmark driver; reset between measurements. */
    static final class Stats {
        static final AtomicLong running = new AtomicLong();
        static final AtomicLong begins = new AtomicLong();
        static final AtomicLong handedOff = new AtomicLong();
        static final AtomicLong restarted = new AtomicLong();
        static final AtomicLong fromCheckpoint = new AtomicLong();
        static final AtomicLong badState = new AtomicLong();
        static final AtomicLong checkpoints = new AtomicLong();
        static final AtomicLong firstBeginNs = new AtomicLong();
        static final AtomicLong lastBeginNs = new AtomicLong();
        /** First and latest moment a handed-off instance had its state (ready for its messages). */
        static final AtomicLong firstHandedOffReadyNs = new AtomicLong();
        static final AtomicLong lastHandedOffReadyNs = new AtomicLong();
        /** Latest moment a failover instance (restarted or from a checkpoint) was ready. */
        static final AtomicLong lastFailoverReadyNs = new AtomicLong();
        /** The latest handed-off instance: its onStart, its endHandoff, its first message. */
        static volatile long movedStartNs;
        static volatile long movedReadyNs;
        static volatile long movedFirstMessageNs;

        static void reset() {
            for (AtomicLong a : new AtomicLong[] {begins, handedOff, restarted, fromCheckpoint, badState, checkpoints,
                firstBeginNs, lastBeginNs, firstHandedOffReadyNs, lastHandedOffReadyNs, lastFailoverReadyNs}) {
                a.set(0);
            }
            movedStartNs = 0;
            movedReadyNs = 0;
            movedFirstMessageNs = 0;
        }

        /** {@code MSTATS} answer fields, in this order. */
        static String line() {
            return running.get() + " " + begins.get() + " " + firstBeginNs.get() + " " + lastBeginNs.get() + " "
                + handedOff.get() + " " + lastHandedOffReadyNs.get() + " " + restarted.get() + " " + fromCheckpoint.get()
                + " " + lastFailoverReadyNs.get() + " " + badState.get() + " " + checkpoints.get() + " " + movedStartNs
                + " " + movedReadyNs + " " + movedFirstMessageNs + " " + firstHandedOffReadyNs.get();
        }
    }

    private final class Mover implements Worker<byte[], byte[]> {
        private final StartReason reason;
        private final int pad;
        private long count;
        private byte[] padding;
        private boolean firstMessage;

        Mover(StartReason reason, int pad) {
            this.reason = reason;
            this.pad = pad;
        }

        @Override
        public void onStart(WorkerContext<byte[]> context) {
            Stats.running.incrementAndGet();
            if (reason == StartReason.HANDED_OFF) {
                Stats.movedStartNs = System.nanoTime();
                firstMessage = true;
            } else if (reason == StartReason.RESTARTED) {
                padding = new byte[pad];
                Stats.restarted.incrementAndGet();
                Stats.lastFailoverReadyNs.accumulateAndGet(System.nanoTime(), Math::max);
            } else if (reason == StartReason.FIRST_START) {
                padding = new byte[pad];
                for (int i = 0; i < pad; i += 64) {
                    padding[i] = (byte) i; // not all zeros
                }
            }
        }

        @Override
        public void endHandoff(byte[] state) {
            if (state == null || state.length != 8 + pad) {
                Stats.badState.incrementAndGet();
            } else {
                count = ByteBuffer.wrap(state).getLong();
                padding = new byte[pad];
                System.arraycopy(state, 8, padding, 0, pad);
            }
            final long now = System.nanoTime();
            if (reason == StartReason.HANDED_OFF) {
                Stats.handedOff.incrementAndGet();
                Stats.firstHandedOffReadyNs.compareAndSet(0, now);
                Stats.lastHandedOffReadyNs.accumulateAndGet(now, Math::max);
                Stats.movedReadyNs = now;
            } else if (reason == StartReason.FROM_CHECKPOINT) {
                Stats.fromCheckpoint.incrementAndGet();
                Stats.lastFailoverReadyNs.accumulateAndGet(now, Math::max);
            }
        }

        @Override
        public void handleCast(byte[] message) {
            handle(message);
        }

        @Override
        public void handleCall(byte[] message, Reply<byte[]> reply) {
            handle(message);
            reply.reply(ByteBuffer.allocate(12).putLong(count).putInt(nodeNumber).array());
        }

        private void handle(byte[] message) {
            if (firstMessage) {
                firstMessage = false;
                Stats.movedFirstMessageNs = System.nanoTime();
            }
            if (message.length > 0 && message[0] == INC) {
                count++;
            }
        }

        @Override
        public HandoffDecision beginHandoff() {
            final long now = System.nanoTime();
            Stats.begins.incrementAndGet();
            Stats.firstBeginNs.compareAndSet(0, now);
            Stats.lastBeginNs.accumulateAndGet(now, Math::max);
            return HandoffDecision.resume(state());
        }

        @Override
        public byte[] checkpoint() {
            Stats.checkpoints.incrementAndGet();
            return state();
        }

        private byte[] state() {
            final byte[] s = new byte[8 + pad];
            ByteBuffer.wrap(s).putLong(count);
            if (padding != null) {
                System.arraycopy(padding, 0, s, 8, Math.min(pad, padding.length));
            }
            return s;
        }

        @Override
        public void stop(StopReason stopReason) {
            Stats.running.decrementAndGet();
        }
    }
}

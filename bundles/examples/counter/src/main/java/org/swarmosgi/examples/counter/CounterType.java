package org.swarmosgi.examples.counter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.osgi.service.component.annotations.Component;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerType;

/**
 * The {@code counter} worker type: UTF-8 text messages and replies, start arguments an optional
 * initial count in decimal, a checkpoint every second (a counter restarted after its node crashed
 * resumes from its last replicated count instead of from its start arguments).
 *
 * <p>A DS component with no reference: it is published as soon as the bundle starts.
 */
@Component(service = WorkerType.class, property = WorkerType.WORKER_TYPE + "=" + CounterType.NAME)
public final class CounterType implements WorkerType<String, String> {

    /** The type's name, its {@value WorkerType#WORKER_TYPE}. */
    public static final String NAME = "counter";

    /** How often the container takes a checkpoint of each counter. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    @Override
    public Codec<String> codec() {
        return Codec.UTF8;
    }

    @Override
    public Codec<String> replyCodec() {
        return Codec.UTF8;
    }

    /**
     * A new counter, starting at the count given as start arguments (UTF-8 decimal, 0 to
     * {@value Long#MAX_VALUE}), or at 0 when there are none.
     *
     * @throws IllegalArgumentException naming what is wrong with the arguments; the registration
     *                                  then fails with that message
     */
    @Override
    public Worker<String, String> create(WorkerContext<String> context) {
        return new Counter(initialCount(context.args()));
    }

    @Override
    public Duration checkpointInterval() {
        return CHECKPOINT_INTERVAL;
    }

    /** Parses start arguments: empty (or only blanks) is 0. */
    static long initialCount(byte[] args) {
        if (args == null || args.length == 0) {
            return 0;
        }
        final String text;
        try {
            text = Codec.UTF8.decode(args).strip();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("counter start argument must be an initial count in UTF-8 decimal; "
                    + "the " + args.length + " bytes given are not UTF-8");
        }
        if (text.isEmpty()) {
            return 0;
        }
        final long count = Counter.parseCount(text);
        if (count < 0) { // not digits, or past Long.MAX_VALUE
            throw new IllegalArgumentException("counter start argument must be an initial count from 0 to "
                    + Long.MAX_VALUE + ", was '" + Counter.printable(text) + "'");
        }
        return count;
    }

    /** Start arguments for an initial count, as {@link #create} reads them. */
    public static byte[] args(long initialCount) {
        return Long.toString(initialCount).getBytes(StandardCharsets.UTF_8);
    }
}

package org.swarmosgi.examples.counter;

import java.nio.ByteBuffer;

import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.Worker;

/**
 * One counter: a count that only grows between resets, handled one message at a time.
 *
 * <p>Messages (UTF-8 text, surrounding blanks ignored):
 * <ul>
 *   <li>{@code inc}: add 1; as a call, answers the new count;</li>
 *   <li>{@code inc <n>}: add n (0 to {@value Long#MAX_VALUE}); as a call, answers the new count;</li>
 *   <li>{@code get}: a call only; answers the count;</li>
 *   <li>{@code reset}: back to 0; as a call, answers {@code 0}.</li>
 *   <li>{@code next <n>}: the count becomes n if n is the count plus 1, else the message fails and the
 *       count stays: a stream of numbered messages 1, 2, 3, ... ends at its last number only if none was
 *       lost, repeated or taken out of order; as a call, answers the new count.</li>
 * </ul>
 * Anything else fails that call (or, for a cast, that message) with a message naming what is
 * wrong; the counter itself keeps running unchanged.
 *
 * <p>State is the count as 8 bytes, big-endian: handed to the new node on a move
 * ({@link #beginHandoff}), given back by {@link #checkpoint} and read by {@link #endHandoff} (after
 * a move or a restart from a checkpoint) and {@link #resolveConflict}.
 */
public final class Counter implements Worker<String, String> {

    /** The commands a counter knows, for error messages. */
    static final String USAGE = "try inc, inc <n>, get, reset, next <n>";

    /** Longest part of a bad message quoted back in an error. */
    private static final int QUOTE_LIMIT = 40;

    private long count;

    /** A counter at {@code initialCount} (not negative). */
    public Counter(long initialCount) {
        if (initialCount < 0) {
            throw new IllegalArgumentException("initial count must not be negative, was " + initialCount);
        }
        this.count = initialCount;
    }

    @Override
    public void handleCall(String message, Reply<String> reply) {
        final Op op;
        try {
            op = Op.parse(message);
            apply(op);
        } catch (IllegalArgumentException | ArithmeticException e) {
            reply.fail(e.getMessage());
            return;
        }
        reply.reply(Long.toString(count));
    }

    /**
     * Applies {@code inc}, {@code inc <n>} or {@code reset}. A bad message (or a {@code get}, which
     * has nobody to answer) throws: the container fails that message only, and logs it.
     */
    @Override
    public void handleCast(String message) {
        final Op op = Op.parse(message);
        if (op.kind == Kind.GET) {
            throw new IllegalArgumentException("'get' must be a call, not a cast: it answers the count");
        }
        apply(op);
    }

    /** Moving: carry the count to the new node. */
    @Override
    public HandoffDecision beginHandoff() {
        return HandoffDecision.resume(encode(count));
    }

    /** On the new node (or restarted from a checkpoint): take the count over. */
    @Override
    public void endHandoff(byte[] state) {
        count = decode(state);
    }

    @Override
    public byte[] checkpoint() {
        return encode(count);
    }

    /**
     * After a partition healed, this counter won over another instance of its name. Keeps the larger
     * of the two counts.
     *
     * <p>Why the maximum: both instances went on from one common count (the last state either had
     * before the partition), and neither knows that common count, so adding the two would count it
     * twice. Between resets a count only grows, so the larger one has lost no increment of its own
     * side and never reports a count lower than anyone read from either side before the heal. What
     * is lost is the smaller side's increments since the split: a counter that must add both sides
     * needs per-node counts (a G-counter CRDT) in its state, which this example keeps out for
     * brevity. A {@code reset} on one side during the partition is lost when the other side counted
     * higher.
     *
     * @param loserState the loser's {@link #checkpoint()}, or null when it had none: then this
     *                   count stays
     */
    @Override
    public void resolveConflict(byte[] loserState) {
        if (loserState != null) {
            count = Math.max(count, decode(loserState));
        }
    }

    private void apply(Op op) {
        switch (op.kind) {
            case INC -> count = add(count, op.amount);
            case NEXT -> {
                if (op.amount != count + 1) {
                    throw new IllegalArgumentException("next " + op.amount + " out of turn: the count is " + count
                            + ", so the next is " + (count + 1));
                }
                count = op.amount;
            }
            case RESET -> count = 0;
            case GET -> { }
        }
    }

    private static long add(long count, long amount) {
        try {
            return Math.addExact(count, amount);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("inc " + amount + " would take the count " + count + " past "
                    + Long.MAX_VALUE + "; reset it first");
        }
    }

    /** The count as 8 bytes, big-endian. */
    static byte[] encode(long count) {
        return ByteBuffer.allocate(Long.BYTES).putLong(count).array();
    }

    /** Reads {@link #encode}'s bytes; anything but 8 bytes of a count that is not negative is refused. */
    static long decode(byte[] state) {
        if (state == null || state.length != Long.BYTES) {
            throw new IllegalArgumentException("counter state must be 8 bytes (a big-endian count), was "
                    + (state == null ? "null" : state.length + " bytes"));
        }
        final long value = ByteBuffer.wrap(state).getLong();
        if (value < 0) {
            throw new IllegalArgumentException("counter state holds a negative count: " + value);
        }
        return value;
    }

    /**
     * Parses a count: decimal digits only, 0 to {@value Long#MAX_VALUE}.
     *
     * @return the count, or -1 when {@code text} is not one
     */
    static long parseCount(String text) {
        if (text.isEmpty() || text.length() > 19) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1; // 19 digits past Long.MAX_VALUE
        }
    }

    /** {@code text} made safe to quote in one line: control characters as '?', long text cut. */
    static String printable(String text) {
        final String oneLine = text.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= QUOTE_LIMIT ? oneLine : oneLine.substring(0, QUOTE_LIMIT - 3) + "...";
    }

    private enum Kind { INC, GET, RESET, NEXT }

    /** One parsed message. */
    private record Op(Kind kind, long amount) {

        static Op parse(String message) {
            final String text = message == null ? "" : message.strip();
            final String[] words = text.isEmpty() ? new String[0] : text.split("\\s+");
            final String verb = words.length == 0 ? "" : words[0];
            switch (verb) {
                case "inc":
                    if (words.length == 1) {
                        return new Op(Kind.INC, 1);
                    }
                    if (words.length == 2) {
                        final long n = parseCount(words[1]);
                        if (n < 0) {
                            throw new IllegalArgumentException("bad amount '" + printable(words[1]) + "': inc <n> takes"
                                    + " a whole number from 0 to " + Long.MAX_VALUE);
                        }
                        return new Op(Kind.INC, n);
                    }
                    throw new IllegalArgumentException("'inc' takes at most one argument, a whole number: "
                            + "'" + printable(text) + "'");
                case "next":
                    if (words.length == 2 && parseCount(words[1]) > 0) {
                        return new Op(Kind.NEXT, parseCount(words[1]));
                    }
                    throw new IllegalArgumentException("'next' takes one argument, a whole number from 1 to "
                            + Long.MAX_VALUE + ": '" + printable(text) + "'");
                case "get":
                case "reset":
                    if (words.length == 1) {
                        return new Op(verb.equals("get") ? Kind.GET : Kind.RESET, 0);
                    }
                    throw new IllegalArgumentException("'" + verb + "' takes no argument: '" + printable(text) + "'");
                default:
                    throw new IllegalArgumentException("unknown command '" + printable(text) + "': " + USAGE);
            }
        }
    }
}

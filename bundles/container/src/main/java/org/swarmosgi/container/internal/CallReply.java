package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import org.swarmosgi.api.Reply;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.host.Envelope;

/**
 * The answer to one call. The first of {@link #reply}, {@link #fail} or the host's own failure wins
 * (a CAS on {@link #done}); later ones return false. A reply to a local envelope is given as the
 * object ({@link Envelope#replyLocal}), to an encoded one in the type's reply codec.
 *
 * <p>A reply not answered when its handler returns is linked into its worker's list of open calls
 * ({@link #prev}/{@link #next}, under the worker's lock), so that the worker's stop fails it.
 */
final class CallReply<R> implements Reply<R> {
    private static final System.Logger LOG = System.getLogger(CallReply.class.getName());
    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(CallReply.class, "done", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final WorkerCell<?, R> cell;
    final Envelope envelope;
    @SuppressWarnings("unused") // through DONE
    private volatile boolean done;
    /** Links in the worker's open calls; guarded by the worker's lock. */
    CallReply<R> prev;
    CallReply<R> next;
    boolean open;

    CallReply(WorkerCell<?, R> cell, Envelope envelope) {
        this.cell = cell;
        this.envelope = envelope;
    }

    private boolean claim() {
        return DONE.compareAndSet(this, false, true);
    }

    @Override
    public boolean reply(R value) {
        Objects.requireNonNull(value, "reply value");
        if (!claim()) {
            return false;
        }
        try {
            if (envelope.local() != null) {
                envelope.replyLocal(value);
            } else {
                final byte[] bytes;
                try {
                    bytes = cell.replyCodec.encode(value);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "worker '" + cell.name + "' " + cell.ref + ": its reply could not be "
                        + "encoded with codec '" + cell.replyCodec.name() + "': " + e);
                    envelope.fail(new WorkerFailedException("worker '" + cell.name + "' " + cell.ref
                        + " answered with a reply its codec '" + cell.replyCodec.name() + "' cannot encode: " + e, e));
                    return true;
                }
                envelope.reply(bytes);
            }
        } finally {
            cell.closeCall(this);
        }
        return true;
    }

    @Override
    public boolean fail(String reason) {
        return failWith(new WorkerFailedException("worker '" + cell.name + "' " + cell.ref + " failed the call: "
            + reason));
    }

    /** Fails the call with {@code error} unless it was answered already. */
    boolean failWith(RuntimeException error) {
        if (!claim()) {
            return false;
        }
        try {
            envelope.fail(error);
        } finally {
            cell.closeCall(this);
        }
        return true;
    }

    @Override
    public boolean isDone() {
        return done;
    }
}

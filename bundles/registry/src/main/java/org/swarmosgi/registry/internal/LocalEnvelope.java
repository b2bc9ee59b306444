package org.swarmosgi.registry.internal;

import java.util.concurrent.CompletableFuture;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.host.Envelope;

/**
 * A message from this node to a worker on this node: the object itself travels, encoded only if the
 * worker's type cannot take it as it is; so does the reply.
 */
final class LocalEnvelope<M, R> implements Envelope {
    private final M message;
    private final Codec<M> codec;
    private final Codec<R> replyCodec;
    private final CompletableFuture<R> result;
    private final boolean call;

    LocalEnvelope(M message, Codec<M> codec, Codec<R> replyCodec, CompletableFuture<R> result, boolean call) {
        this.message = message;
        this.codec = codec;
        this.replyCodec = replyCodec;
        this.result = result;
        this.call = call;
    }

    @Override
    public Object local() {
        return message;
    }

    @Override
    public byte[] payload() {
        return codec.encode(message);
    }

    @Override
    public boolean isCall() {
        return call;
    }

    @Override
    public void replyLocal(Object reply) {
        if (replyCodec != null && !replyCodec.type().isInstance(reply)) {
            result.completeExceptionally(new WorkerFailedException("the worker replied with a "
                + reply.getClass().getName() + ", the caller expects a " + replyCodec.type().getName()));
            return;
        }
        @SuppressWarnings("unchecked")
        final R r = (R) reply;
        result.complete(r);
    }

    @Override
    public void reply(byte[] reply) {
        try {
            result.complete(replyCodec == null ? null : replyCodec.decode(reply));
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new WorkerFailedException("the reply does not decode with codec "
                + replyCodec.name() + ": " + e.getMessage(), e));
        }
    }

    /** Errors reach the caller as the API's exceptions: anything else becomes a {@link WorkerFailedException}. */
    @Override
    public void fail(RuntimeException error) {
        result.completeExceptionally(error instanceof SwarmException ? error
            : new WorkerFailedException(String.valueOf(error.getMessage()), error));
    }
}

package org.swarmosgi.container.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.swarmosgi.api.host.Envelope;

/** The registry's side of an envelope: records how it was answered, and how often. */
final class TestEnvelope implements Envelope {
    final Object local;
    final byte[] payload;
    final boolean call;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    final AtomicInteger answers = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();

    private TestEnvelope(Object local, byte[] payload, boolean call) {
        this.local = local;
        this.payload = payload;
        this.call = call;
    }

    static TestEnvelope callLocal(Object message) {
        return new TestEnvelope(message, null, true);
    }

    /** A local message whose sender's codec encodes it as {@code encoded} when asked. */
    static TestEnvelope callLocal(Object message, byte[] encoded) {
        return new TestEnvelope(message, encoded, true);
    }

    static TestEnvelope castLocal(Object message) {
        return new TestEnvelope(message, null, false);
    }

    static TestEnvelope call(byte[] payload) {
        return new TestEnvelope(null, payload, true);
    }

    static TestEnvelope cast(byte[] payload) {
        return new TestEnvelope(null, payload, false);
    }

    @Override
    public Object local() {
        return local;
    }

    @Override
    public byte[] payload() {
        return payload;
    }

    @Override
    public boolean isCall() {
        return call;
    }

    @Override
    public void replyLocal(Object reply) {
        answers.incrementAndGet();
        result.complete(reply);
    }

    @Override
    public void reply(byte[] reply) {
        answers.incrementAndGet();
        result.complete(reply);
    }

    @Override
    public void fail(RuntimeException error) {
        answers.incrementAndGet();
        failures.incrementAndGet();
        result.completeExceptionally(error);
    }

    @Override
    public String toString() {
        return "envelope(" + (local != null ? local : payload.length + " bytes") + ")";
    }
}

package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.transport.InboundMessage;
import org.swarmosgi.transport.aeron.internal.codec.Kind;

/** A received message as its handler sees it; the payload is the handler's own copy. */
final class Inbound implements InboundMessage {
    private static final int MAX_REASON_BYTES = 4096;

    private final Replier replier;
    private final Member sender;
    private final int topic;
    private final ByteBuffer payload;
    private final boolean request;
    private final long correlationId;
    private final AtomicBoolean answered = new AtomicBoolean();

    Inbound(Replier replier, Member sender, int topic, ByteBuffer payload, boolean request, long correlationId) {
        this.replier = replier;
        this.sender = sender;
        this.topic = topic;
        this.payload = payload;
        this.request = request;
        this.correlationId = correlationId;
    }

    @Override
    public Member sender() {
        return sender;
    }

    @Override
    public int topic() {
        return topic;
    }

    @Override
    public ByteBuffer payload() {
        return payload;
    }

    @Override
    public boolean isRequest() {
        return request;
    }

    @Override
    public void reply(ByteBuffer reply) {
        claim();
        replier.answer(sender, topic, correlationId, Kind.REPLY, reply);
    }

    @Override
    public void fail(String reason) {
        claim();
        byte[] bytes = String.valueOf(reason).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_REASON_BYTES) {
            bytes = java.util.Arrays.copyOf(bytes, MAX_REASON_BYTES);
        }
        replier.answer(sender, topic, correlationId, Kind.FAIL, ByteBuffer.wrap(bytes));
    }

    boolean answered() {
        return answered.get();
    }

    private void claim() {
        if (!request) {
            throw new IllegalStateException("topic " + topic + " from " + sender + ": not a request");
        }
        if (!answered.compareAndSet(false, true)) {
            throw new IllegalStateException("topic " + topic + " from " + sender + ": answered already");
        }
    }
}

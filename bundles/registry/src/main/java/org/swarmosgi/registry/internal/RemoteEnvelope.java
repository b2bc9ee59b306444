package org.swarmosgi.registry.internal;

import org.swarmosgi.api.host.Envelope;
import org.swarmosgi.api.transport.InboundMessage;

/** A message that came from another node: bytes in, bytes back through the transport's reply. */
final class RemoteEnvelope implements Envelope {
    private final InboundMessage inbound;
    private final byte[] payload;
    private final boolean call;

    RemoteEnvelope(InboundMessage inbound, byte[] payload, boolean call) {
        this.inbound = inbound;
        this.payload = payload;
        this.call = call;
    }

    @Override
    public Object local() {
        return null;
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
        throw new IllegalStateException("a message from another node is answered with bytes");
    }

    @Override
    public void reply(byte[] reply) {
        if (inbound.isRequest()) {
            inbound.reply(WorkerWire.answer(WorkerWire.OK, reply));
        }
    }

    @Override
    public void fail(RuntimeException error) {
        if (inbound.isRequest()) {
            inbound.reply(WorkerWire.error(error));
        }
    }
}

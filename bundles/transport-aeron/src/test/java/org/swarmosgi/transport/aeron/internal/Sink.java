package org.swarmosgi.transport.aeron.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.swarmosgi.api.transport.InboundMessage;
import org.swarmosgi.api.transport.MessageHandler;

/** Counts casts carrying a per-sender sequence (1, 2, 3, ...) and every break in that order. Single executor. */
final class Sink implements MessageHandler {
    final AtomicLong count = new AtomicLong();
    final AtomicLong violations = new AtomicLong();
    private final Map<String, Long> last = new HashMap<>();

    @Override
    public void onMessage(InboundMessage message) {
        final long seq = message.payload().getLong(0);
        final String sender = message.sender().id().toString();
        final long expected = last.getOrDefault(sender, 0L) + 1;
        if (seq != expected) {
            violations.incrementAndGet();
        }
        last.put(sender, seq);
        count.incrementAndGet();
    }
}

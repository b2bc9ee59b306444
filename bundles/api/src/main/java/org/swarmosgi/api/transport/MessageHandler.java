package org.swarmosgi.api.transport;

/** Handles messages of one topic; runs on the executor given to {@link Transport#handle}. */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(InboundMessage message);
}

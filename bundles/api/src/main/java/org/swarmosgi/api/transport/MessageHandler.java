package org.swarmosgi.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/** Handles messages of one topic; runs on the executor given to {@link Transport#handle}. */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {
    void onMessage(InboundMessage message);
}

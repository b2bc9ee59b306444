package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.transport.aeron.internal.codec.Kind;

/** Sends an answer to a request back to its caller. */
@FunctionalInterface
interface Replier {
    void answer(Endpoint caller, int topic, long correlationId, Kind kind, ByteBuffer payload);
}

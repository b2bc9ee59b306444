package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;

import org.swarmosgi.api.Member;
import org.swarmosgi.transport.aeron.internal.codec.Kind;

/** Sends an answer to a request back to its caller. */
@FunctionalInterface
interface Replier {
    void answer(Member caller, int topic, long correlationId, Kind kind, ByteBuffer payload);
}

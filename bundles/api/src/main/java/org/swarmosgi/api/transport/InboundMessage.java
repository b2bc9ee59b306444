package org.swarmosgi.api.transport;

import java.nio.ByteBuffer;

import org.swarmosgi.api.Member;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A message received from an authenticated peer. Its payload belongs to the handler (a copy of the
 * received bytes). A request must be answered once, by {@link #reply} or {@link #fail}; a reply
 * after the caller's timeout is dropped.
 */
@ProviderType
public interface InboundMessage {

    /** The authenticated sender: its node id and transport endpoint. */
    Member sender();

    int topic();

    /** The payload, read-only, positioned at its first byte. */
    ByteBuffer payload();

    /** True when the sender waits for {@link #reply} or {@link #fail}. */
    boolean isRequest();

    /**
     * Answers a request. The bytes are copied before this returns.
     *
     * @throws IllegalStateException when this is not a request or was answered already
     */
    void reply(ByteBuffer payload);

    /**
     * Answers a request with an error; the caller's stage fails with a {@link TransportException}
     * carrying {@code reason}.
     */
    void fail(String reason);
}

package org.swarmosgi.api.host;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One message on its way to a worker, made by the registry and handed to the host. A message sent on
 * the worker's own node carries the object itself ({@link #local()}): when it is of the worker's
 * message type, neither it nor the reply is encoded. Otherwise the host decodes {@link #payload()}.
 */
@ConsumerType
public interface Envelope {

    /** The message object when it was sent on this node, else null. */
    Object local();

    /** The encoded message, never null (for a local message, encoded with the sender's codec when asked). */
    byte[] payload();

    /** True for a call, which must be answered by exactly one of the methods below. */
    boolean isCall();

    /** Answers a call whose message was {@link #local()} with the reply object. */
    void replyLocal(Object reply);

    /** Answers a call with the reply encoded in the type's reply codec. */
    void reply(byte[] reply);

    /**
     * Fails the message: for a call, the handler threw or answered with an error, or the worker
     * stopped first; for a cast, it was dropped, could not be decoded, or its handler threw.
     */
    void fail(RuntimeException error);
}

package org.swarmosgi.api.host;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One message on its way to a worker, made by the registry and handed to the host. A message sent on
 * the worker's own node carries the object itself ({@link #local()}), so neither it nor the reply is
 * ever encoded; one that crossed nodes carries bytes in the type's codec.
 */
@ConsumerType
public interface Envelope {

    /** The message object when it was sent on this node with the worker's message type, else null. */
    Object local();

    /** The encoded message; null when {@link #local()} is not. */
    byte[] payload();

    /** True for a call, which must be answered by exactly one of the methods below. */
    boolean isCall();

    /** Answers a call whose message was {@link #local()} with the reply object. */
    void replyLocal(Object reply);

    /** Answers a call with the reply encoded in the type's reply codec. */
    void reply(byte[] reply);

    /** Fails a call: the handler threw or answered with an error, or the worker stopped first. */
    void fail(RuntimeException error);
}

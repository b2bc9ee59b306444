package org.swarmosgi.api.transport;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.Subscription;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Authenticated, ordered messaging between the nodes of one cluster, published as an OSGi service.
 *
 * <p><b>Addressing.</b> Peers are addressed by identity: a {@link Member} is a node's name and
 * incarnation ({@link org.swarmosgi.api.NodeId}) and the {@link Endpoint} it listens at, as membership
 * reports it. The transport reaches the endpoint but delivers only to that incarnation: the handshake
 * names the target's name and incarnation, and a receiver refuses one meant for another. So a message
 * meant for a node that restarted (a new incarnation on the same host and port) is never delivered to
 * its successor; it fails with {@link TransportException.Reason#NOT_CONNECTED} or times out. A message
 * to a member the transport has no connection to opens one. Every message carries the cluster name
 * and a MAC from a key derived from the cluster secret; peers that fail the check are refused.
 * {@link InboundMessage#sender()} is the authenticated sender, and replies go to it.
 *
 * <p><b>Topics.</b> Each message has an integer topic that selects the receiving
 * {@link MessageHandler}. Topics are partitioned by owner (see {@link Topics}); a message for a
 * topic with no handler is dropped and counted, and a request to it fails at the caller.
 *
 * <p><b>Order.</b> Messages from one sender to one receiver are delivered in the order sent, across
 * topics, except that a large payload (above {@link #maxInlinePayload()}) is delivered when its last
 * chunk arrives, and small messages sent meanwhile are not held behind it.
 *
 * <p><b>Back pressure.</b> A send that cannot be accepted after a bounded retry fails with
 * {@link TransportException}, naming the reason; nothing is silently dropped on the sending side.
 */
@ProviderType
public interface Transport {

    /** The endpoint peers reach this node at (the advertised address and the bound port). */
    Endpoint localEndpoint();

    /**
     * The largest payload sent in one frame. Larger payloads (up to {@link #maxPayload()}) are split
     * in chunks, reassembled and checked by the receiver.
     */
    int maxInlinePayload();

    /** The largest payload accepted at all (at least 64 MiB). */
    int maxPayload();

    /**
     * Sends a one-way message to one incarnation of a node. The payload's bytes between position and limit are copied before
     * this returns; the buffer may be reused at once. Small sends allocate nothing in steady state.
     *
     * @throws TransportException when the peer is not connected or the message cannot be accepted
     *                            within the bounded retry; the reason says which
     * @throws IllegalArgumentException when the payload is larger than {@link #maxPayload()}
     */
    void send(Member peer, int topic, ByteBuffer payload);

    /**
     * Sends a request to one incarnation of a node and completes with the reply payload, or exceptionally with
     * {@link TransportException} (peer unreachable, handler failed, no handler) or
     * {@link org.swarmosgi.api.SwarmTimeoutException} when no reply arrived within {@code timeout}.
     * The payload is copied before this returns.
     */
    CompletionStage<ByteBuffer> request(Member peer, int topic, ByteBuffer payload, Duration timeout);

    /**
     * Registers the handler of a topic. The transport's receive thread never runs handlers: each
     * message is handed to {@code executor}, so a slow handler stalls only what shares its executor.
     *
     * @throws IllegalStateException when the topic has a handler already
     */
    Subscription handle(int topic, Executor executor, MessageHandler handler);
}

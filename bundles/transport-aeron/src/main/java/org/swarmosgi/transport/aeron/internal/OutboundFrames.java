package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;

import javax.crypto.Mac;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.transport.aeron.internal.codec.ChunkEncoder;
import org.swarmosgi.transport.aeron.internal.codec.HelloEncoder;
import org.swarmosgi.transport.aeron.internal.codec.Kind;
import org.swarmosgi.transport.aeron.internal.codec.MessageEncoder;
import org.swarmosgi.transport.aeron.internal.codec.MessageHeaderEncoder;

/**
 * Encodes and signs the frames of one outbound session (SBE message + 16-byte MAC). Reuses its
 * encoders and views, so encoding allocates nothing except for HELLO. Not thread-safe: its
 * {@link PeerLink} uses it under the link's lock.
 */
final class OutboundFrames {
    /** Where the sequence number sits in a Message and in a Chunk (their first field). */
    static final int SEQ_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final HelloEncoder hello = new HelloEncoder();
    private final MessageEncoder message = new MessageEncoder();
    private final ChunkEncoder chunk = new ChunkEncoder();
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final Mac hmac;
    private final String clusterName;
    private final NodeId self;
    private final Endpoint selfEndpoint;
    private final Member target;
    private SipHash128 mac;

    OutboundFrames(byte[] key, String clusterName, NodeId self, Endpoint selfEndpoint, Member target) {
        this.hmac = Keys.hmac(key);
        this.clusterName = clusterName;
        this.self = self;
        this.selfEndpoint = selfEndpoint;
        this.target = target;
    }

    /**
     * Encodes a HELLO signed with the transport key and switches this session to the SipHash key the
     * nonce derives: frames signed afterwards are valid only after this HELLO.
     *
     * @return the frame length, MAC included
     */
    int hello(MutableDirectBuffer buffer, long nowMs, long nonceHi, long nonceLo) {
        hello.wrapAndApplyHeader(buffer, 0, header)
            .incarnation(self.incarnation())
            .timestampMs(nowMs)
            .nonceHi(nonceHi)
            .nonceLo(nonceLo)
            .targetIncarnation(target.id().incarnation())
            .port(selfEndpoint.port())
            .targetPort(target.endpoint().port())
            .nodeName(self.name())
            .host(selfEndpoint.host())
            .targetHost(target.endpoint().host())
            .targetName(target.id().name())
            .clusterName(clusterName);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + hello.encodedLength();
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        buffer.putBytes(length, Keys.helloTag(hmac, bytes, length));
        mac = Keys.sessionMac(hmac, clusterName, self, nonceHi, nonceLo);
        return length + SipHash128.TAG_LENGTH;
    }

    /** Encodes a whole message, unsigned; see {@link #sign}. @return the frame length, MAC included */
    int message(MutableDirectBuffer buffer, long seq, Kind kind, int topic, long correlationId,
                ByteBuffer payload, int offset, int length) {
        payloadView.wrap(payload, offset, length);
        message.wrapAndApplyHeader(buffer, 0, header)
            .seq(seq)
            .correlationId(correlationId)
            .topic(topic)
            .kind(kind)
            .putPayload(payloadView, 0, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + message.encodedLength() + SipHash128.TAG_LENGTH;
    }

    /** Encodes one chunk of a large payload, unsigned; see {@link #sign}. @return the frame length, MAC included */
    int chunk(MutableDirectBuffer buffer, long seq, Kind kind, int topic, long correlationId, long transferId,
              int totalLength, int chunkOffset, int checksum, ByteBuffer payload, int offset, int length) {
        payloadView.wrap(payload, offset, length);
        chunk.wrapAndApplyHeader(buffer, 0, header)
            .seq(seq)
            .correlationId(correlationId)
            .transferId(transferId)
            .topic(topic)
            .totalLength(totalLength)
            .chunkOffset(chunkOffset)
            .checksum(checksum)
            .kind(kind)
            .putBytes(payloadView, 0, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + chunk.encodedLength() + SipHash128.TAG_LENGTH;
    }

    /** Sets the sequence number of a Message or Chunk encoded at offset 0, before {@link #sign}. */
    static void sequence(MutableDirectBuffer buffer, long seq) {
        buffer.putLong(SEQ_OFFSET, seq, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the session MAC of a frame encoded at offset 0 (after the HELLO that keyed the session). */
    void sign(MutableDirectBuffer buffer, int frameLength) {
        mac.sign(buffer, 0, frameLength - SipHash128.TAG_LENGTH);
    }
}

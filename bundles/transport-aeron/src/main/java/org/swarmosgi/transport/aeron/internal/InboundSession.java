package org.swarmosgi.transport.aeron.internal;

import org.swarmosgi.api.Member;

import io.aeron.Image;

/**
 * One authenticated inbound stream: the Aeron image a peer's publication produced here, bound by its
 * HELLO to the peer's identity and session key. Receive thread only.
 */
final class InboundSession {
    final Image image;
    final Member member;
    final SipHash128 mac;
    long lastSeq;
    Reassembly transfer;

    InboundSession(Image image, Member member, SipHash128 mac, long lastSeq) {
        this.image = image;
        this.member = member;
        this.mac = mac;
        this.lastSeq = lastSeq;
    }

    /** A large payload being put back together from its chunks, which arrive in order. */
    static final class Reassembly {
        final long transferId;
        final int kind;
        final int topic;
        final long correlationId;
        final int checksum;
        final byte[] bytes;
        int filled;

        Reassembly(long transferId, int kind, int topic, long correlationId, int checksum, int totalLength) {
            this.transferId = transferId;
            this.kind = kind;
            this.topic = topic;
            this.correlationId = correlationId;
            this.checksum = checksum;
            this.bytes = new byte[totalLength];
        }
    }
}

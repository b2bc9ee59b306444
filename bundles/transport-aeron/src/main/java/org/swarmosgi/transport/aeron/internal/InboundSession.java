package org.swarmosgi.transport.aeron.internal;

import org.swarmosgi.api.Member;

import io.aeron.Image;

/**
 * One authenticated inbound stream: the Aeron image a peer's publication produced here, bound by its
 * HELLO to the peer's identity and session key, and the last sequence number taken (frames must follow
 * it by exactly one). Its chunk reassembly lives in {@link Reassembly}. Receive thread only.
 */
final class InboundSession {
    final Image image;
    final Member member;
    final SipHash128 mac;
    long lastSeq;

    InboundSession(Image image, Member member, SipHash128 mac, long lastSeq) {
        this.image = image;
        this.member = member;
        this.mac = mac;
        this.lastSeq = lastSeq;
    }
}

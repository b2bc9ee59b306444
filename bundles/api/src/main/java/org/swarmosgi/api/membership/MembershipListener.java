package org.swarmosgi.api.membership;

import org.swarmosgi.api.Member;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of members coming and going. Called on the strategy's notification thread, in order, one
 * event at a time; must return quickly (hand work to another thread).
 */
@ConsumerType
public interface MembershipListener {

    void memberUp(Member member);

    /**
     * The member is down. {@link DownReason#REPLACED} and {@link DownReason#LEFT} are final for that
     * incarnation; after {@link DownReason#FAILED} or {@link DownReason#EVICTED} the same incarnation
     * may come {@link #memberUp up} again.
     *
     * @param reason why it went down
     */
    void memberDown(Member member, DownReason reason);
}

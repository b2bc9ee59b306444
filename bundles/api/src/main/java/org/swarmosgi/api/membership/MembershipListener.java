package org.swarmosgi.api.membership;

import org.swarmosgi.api.Member;

/**
 * Told of members coming and going. Called on the strategy's notification thread, in order, one
 * event at a time; must return quickly (hand work to another thread).
 */
public interface MembershipListener {

    void memberUp(Member member);

    /**
     * @param reason why, for logs: "left", "failed", "replaced by new incarnation", ...
     */
    void memberDown(Member member, String reason);
}

package org.swarmosgi.membership.core;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.DownReason;

/** A member came up ({@code reason} null) or went down, for the reason given. */
record MemberEvent(Member member, boolean up, DownReason reason) {

    static MemberEvent up(Member member) {
        return new MemberEvent(member, true, null);
    }

    static MemberEvent down(Member member, DownReason reason) {
        return new MemberEvent(member, false, reason);
    }
}

package org.swarmosgi.membership.statik.internal;

import java.util.Collection;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;

/**
 * The {@code none} strategy: a single-node cluster. Reports only this node, opens no socket, and
 * has no events to tell (this node is never reported to listeners, as in every strategy).
 */
@Component(service = Membership.class, property = Membership.STRATEGY + "=none", immediate = true)
public final class NoneMembership implements Membership {

    private final Member self;

    @Activate
    public NoneMembership(@Reference(name = "node", target = "(" + LocalNode.AUTOCLUSTER + "=none)") LocalNode node,
                          @Reference(name = "transport") Transport transport) {
        this(new Member(node.id(), transport.localEndpoint()));
    }

    NoneMembership(Member self) {
        this.self = self;
    }

    @Override
    public Member self() {
        return self;
    }

    @Override
    public Collection<Member> members() {
        return List.of(self);
    }

    @Override
    public Subscription subscribe(MembershipListener listener) {
        return () -> { };
    }
}

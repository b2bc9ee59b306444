package org.swarmosgi.membership.core;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;

/**
 * The {@link Membership} service of a strategy component: what its running engine says, and its
 * figures as a {@link MetricSource} (a strategy registers both services). Strategies extend it and
 * only start and close their engine.
 */
public abstract class EngineMembership implements Membership, MetricSource {

    /** The running engine; set by the time the component is registered. */
    protected abstract MembershipEngine engine();

    @Override
    public final Member self() {
        return engine().self();
    }

    @Override
    public final Collection<Member> members() {
        return engine().members();
    }

    @Override
    public final String group() {
        return "Membership";
    }

    @Override
    public List<Metric> metrics() {
        return engine().metrics();
    }

    @Override
    public final Optional<Instant> lastHeartbeat(NodeId member) {
        return engine().lastHeartbeat(member);
    }

    @Override
    public final Subscription subscribe(MembershipListener listener) {
        return engine().subscribe(listener);
    }
}

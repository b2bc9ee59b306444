package org.swarmosgi.membership.statik.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.swarmosgi.membership.core.Timing;

/** PID {@code org.swarmosgi.membership.static}. */
@ObjectClassDefinition(name = "Swarm membership: static",
        description = "Unicast heartbeats to a fixed seed list; nodes that answer are members.")
public @interface StaticConfig {

    @AttributeDefinition(description = "Membership endpoints (host:port) of the seed nodes. A node that knows "
            + "one live seed finds the others through it. This node's own endpoint may be listed.")
    String[] seeds() default {};

    @AttributeDefinition(description = "UDP port of this node's membership socket, on the node's bind "
            + "address (0: any free port, for a node that no one lists as a seed).")
    int port() default 45892;

    @AttributeDefinition(description = "Time between two heartbeats, milliseconds (10 to 10000).")
    long heartbeat__interval__ms() default Timing.DEFAULT_HEARTBEAT_INTERVAL_MS;

    @AttributeDefinition(description = "Phi above which a silent member is down (1 to 30).")
    double phi__threshold() default Timing.DEFAULT_PHI_THRESHOLD;

    @AttributeDefinition(description = "Silence tolerated on top of the usual interval before suspicion grows, "
            + "milliseconds (0 to 60000): covers GC and CPU starvation.")
    long acceptable__pause__ms() default Timing.DEFAULT_ACCEPTABLE_PAUSE_MS;

    @AttributeDefinition(description = "Floor of the heartbeat interval deviation, milliseconds (1 to 10000).")
    long min__std__deviation__ms() default Timing.DEFAULT_MIN_STD_DEVIATION_MS;
}

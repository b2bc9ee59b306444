package org.swarmosgi.membership.multicast.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.swarmosgi.membership.core.Timing;

/**
 * PID {@code org.swarmosgi.membership.multicast}. Keys and defaults as in Swarm, except
 * {@code if_addr}: loopback, so a fresh node never talks to a network it was not told about.
 * (DS maps a method {@code if__addr} to the key {@code if_addr}.)
 */
@ObjectClassDefinition(name = "Swarm membership: multicast",
        description = "Heartbeats on a UDP multicast group, with a phi accrual failure detector.")
public @interface MulticastConfig {

    @AttributeDefinition(description = "UDP port of the multicast group.")
    int port() default 45892;

    @AttributeDefinition(description = "Interface to join and send on, by one of its addresses. 127.0.0.1 keeps "
            + "cluster traffic on this machine; 0.0.0.0 joins every multicast-capable interface (a LAN).")
    String if__addr() default "127.0.0.1";

    @AttributeDefinition(description = "Multicast group address.")
    String multicast__addr() default "230.0.0.251";

    @AttributeDefinition(description = "Multicast TTL, 0 to 255; 1 stays on the local network.")
    int multicast__ttl() default 1;

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

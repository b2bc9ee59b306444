package org.swarmosgi.registry.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.RestartPolicy;
import org.swarmosgi.api.host.WorkerTypeInfo;

/**
 * One node's registry state machine in a cluster of three with {@code names} registrations in flight, made from
 * this node, none answered (no threads, no network; the clock stands still): those of names a peer owns wait as
 * requests for their owner's answer, those this node owns as claims for the start it ordered (its host has not
 * answered yet). What a {@link #tick()} costs then is what the benchmark measures.
 * Lives in the registry's package to reach its core.
 */
public final class ClaimsInFlight extends InstantHost {
    private static final String TYPE = "bench";
    private final NodeId self = new NodeId("a", 1);
    private final NodeId[] peers = {new NodeId("b", 2), new NodeId("c", 3)};
    private final Map<NodeId, Msg.SyncRequest> asked = new HashMap<>();
    private int requests;
    private int claims;

    public ClaimsInFlight(int names) {
        core = new RegistryCore(self, RegistrySettings.DEFAULTS, this, () -> 1_000);
        core.localTypes(Map.of(TYPE, new WorkerTypeInfo(TYPE, Duration.ofSeconds(5), Duration.ZERO, RestartPolicy.DEFAULT,
            Set.of())));
        final int[] buckets = new int[Partition.BUCKETS];
        for (int b = 0; b < buckets.length; b++) {
            buckets[b] = b;
        }
        for (NodeId peer : peers) {
            core.nodeUp(peer);
        }
        for (NodeId peer : peers) {
            core.onMessage(peer, new Msg.SyncReply(asked.get(peer).nonce(), 0, 0, buckets, List.of(), true, Set.of(TYPE),
                Set.of()));
        }
        if (!core.ready()) {
            throw new IllegalStateException("the replica of the peers is not whole");
        }
        final byte[] args = new byte[0];
        for (int i = 0; i < names; i++) {
            core.register(i + 1, "device-" + i, TYPE, args, 60_000, false);
        }
        core.flush();
    }

    public void tick() {
        core.tick();
    }

    /** Registrations waiting on a peer that owns the name. */
    public int requests() {
        return requests;
    }

    /** Registrations this node holds a claim for, waiting on the start it ordered. */
    public int claims() {
        return claims;
    }

    @Override
    public void send(NodeId to, Msg message) {
        if (message instanceof Msg.SyncRequest r) {
            asked.put(to, r);
        } else if (message instanceof Msg.RegisterReq) {
            requests++;
        } else if (message instanceof Msg.StartReq) {
            claims++;
        }
    }

    @Override
    public void startWorker(long startId, org.swarmosgi.api.host.StartOrder order) {
        claims++; // not started yet: the claim waits
    }
}

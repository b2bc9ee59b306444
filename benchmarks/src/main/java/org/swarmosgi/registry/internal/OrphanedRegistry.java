package org.swarmosgi.registry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.RestartPolicy;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.WorkerTypeInfo;

/**
 * One node's registry state machine just after a peer holding {@code names} workers died, in a cluster of
 * three (no threads, no network; the clock stands still): the names this node owns were restarted here at
 * once (its host starts workers synchronously), and the others, about half, wait as orphans for their
 * owner's restart, a claim timeout at most. What a {@link #tick()} costs then is what the benchmark
 * measures. Lives in the registry's package to reach its core.
 */
public final class OrphanedRegistry extends InstantHost {
    private static final String TYPE = "bench";
    private final NodeId self = new NodeId("a", 1);
    private final NodeId dead = new NodeId("b", 2);
    private final NodeId other = new NodeId("c", 3);
    private final Map<NodeId, Msg.SyncRequest> asked = new HashMap<>();

    public OrphanedRegistry(int names) {
        core = new RegistryCore(self, RegistrySettings.DEFAULTS, this, () -> 1_000);
        core.localTypes(Map.of(TYPE, new WorkerTypeInfo(TYPE, Duration.ofSeconds(5), Duration.ZERO, RestartPolicy.DEFAULT,
            Set.of())));
        core.nodeUp(dead);
        core.nodeUp(other);
        final List<Record> held = new ArrayList<>(names);
        for (int i = 0; i < names; i++) {
            held.add(new Record("device-" + i, new WorkerRef(dead, i + 1), TYPE, null, i + 1, null));
        }
        answerSync(dead, names, held);
        answerSync(other, 0, List.of());
        if (!core.ready()) {
            throw new IllegalStateException("the replica of the peers is not whole");
        }
        core.nodeDown(dead);
        core.flush();
    }

    private void answerSync(NodeId host, long seq, List<Record> records) {
        final int[] buckets = new int[Partition.BUCKETS];
        for (int b = 0; b < buckets.length; b++) {
            buckets[b] = b;
        }
        core.onMessage(host, new Msg.SyncReply(asked.get(host).nonce(), seq, 0, buckets, records, true, Set.of(TYPE),
            Set.of()));
    }

    public void tick() {
        core.tick();
    }

    /** Names held by the dead node that run again here. */
    public int restartedHere() {
        return core.partitionSize(self);
    }

    @Override
    public void send(NodeId to, Msg message) {
        if (message instanceof Msg.SyncRequest r) {
            asked.put(to, r);
        }
    }
}

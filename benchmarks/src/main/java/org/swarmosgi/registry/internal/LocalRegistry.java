package org.swarmosgi.registry.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.RestartPolicy;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.WorkerTypeInfo;

/**
 * A one-node registry state machine whose host starts workers at once, for benchmarks of the
 * registry's own cost (no threads, no network). Lives in the registry's package to reach its core.
 */
public final class LocalRegistry extends InstantHost {
    public static final String TYPE = "bench";
    private long completed;
    private long failed;

    public LocalRegistry() {
        final NodeId self = new NodeId("bench", System.currentTimeMillis() << 16);
        core = new RegistryCore(self, RegistrySettings.DEFAULTS, this, System::currentTimeMillis);
        core.localTypes(Map.of(TYPE, new WorkerTypeInfo(TYPE, Duration.ofSeconds(5), Duration.ZERO, RestartPolicy.DEFAULT,
            Set.of())));
        core.flush();
    }

    /** Registers {@code name}; returns at once, the start and the record happen inside. */
    public void register(long id, String name) {
        core.register(id, name, TYPE, Record.NO_ARGS, 5_000, false);
    }

    /** The worker holding {@code name}, or null: what a caller takes from {@code whereis}. */
    public WorkerRef whereis(String name) {
        return core.whereis(name).orElse(null);
    }

    public WorkerRef ref(String name) {
        final Record r = core.winner(name);
        return r == null ? null : r.ref;
    }

    public long completed() {
        return completed;
    }

    public long failed() {
        return failed;
    }

    public int size() {
        return core.partitionSize(core.self());
    }

    @Override
    public void hostLocal(long reqId, String name, long version) {
        core.onLocalHosted(reqId, name, nextWorker());
    }

    @Override
    public void completed(long reqId, Object result) {
        completed++;
    }

    @Override
    public void failed(long reqId, SwarmException error) {
        failed++;
    }
}

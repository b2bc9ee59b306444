package org.swarmosgi.container.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.HostDriver;
import org.swarmosgi.api.host.WorkerTypeInfo;

/** The host's other side in tests: records what the host reports, and hands workers a registry. */
final class RecordingDriver implements HostDriver {
    record Ended(String name, WorkerRef worker, StopReason reason, Throwable cause) {
    }

    final List<Ended> ended = new CopyOnWriteArrayList<>();
    final List<Map<String, WorkerTypeInfo>> types = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile SwarmRegistry registry;

    @Override
    public SwarmRegistry registry() {
        return registry;
    }

    @Override
    public void workerEnded(String name, WorkerRef worker, StopReason reason, Throwable cause) {
        threads.add(Thread.currentThread().getName());
        ended.add(new Ended(name, worker, reason, cause));
    }

    @Override
    public void workerTypesChanged(Map<String, WorkerTypeInfo> types) {
        threads.add(Thread.currentThread().getName());
        this.types.add(types);
    }

    Map<String, WorkerTypeInfo> lastTypes() {
        return types.isEmpty() ? Map.of() : types.get(types.size() - 1);
    }
}

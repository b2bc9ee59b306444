package org.swarmosgi.api.host;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import org.swarmosgi.api.RestartPolicy;

/**
 * A worker type as the host offers it: the settings the registry needs to place, move and restart
 * its workers, read once from the {@link org.swarmosgi.api.WorkerType} service.
 */
public record WorkerTypeInfo(String name, Duration handoffTimeout, Duration checkpointInterval,
                             RestartPolicy restartPolicy, Set<String> requiredRoles) {
    public WorkerTypeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handoffTimeout, "handoffTimeout");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(restartPolicy, "restartPolicy");
        requiredRoles = Set.copyOf(requiredRoles);
    }
}

package org.swarmosgi.api.host;

import java.util.Objects;

import org.swarmosgi.api.StartReason;

/**
 * An order to start one worker.
 *
 * @param name       the registered name
 * @param workerType the worker type
 * @param args       the start arguments (not copied: the host must not change them)
 * @param state      state handed to the new worker's {@code endHandoff}, or null
 * @param reason     why it starts
 * @param version    the version of the registry record this start is for
 */
public record StartOrder(String name, String workerType, byte[] args, byte[] state, StartReason reason, long version) {
    public StartOrder {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(workerType, "workerType");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(reason, "reason");
    }
}

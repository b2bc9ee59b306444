package org.swarmosgi.container.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.RestartPolicy;
import org.swarmosgi.api.WorkerType;
import org.swarmosgi.api.host.WorkerTypeInfo;

/**
 * A worker type service and its settings, read once when the service appeared.
 *
 * @param <M> message type
 * @param <R> reply type
 */
final class OfferedType<M, R> {
    final String name;
    final WorkerType<M, R> service;
    final String source;
    final Codec<M> codec;
    final Codec<R> replyCodec;
    final WorkerTypeInfo info;
    /** The type's own capacity; 0 = the container's. */
    final int mailboxCapacity;
    /** Set (before its workers are stopped) when the service went away. */
    volatile boolean removed;

    private OfferedType(String name, WorkerType<M, R> service, String source) {
        this.name = name;
        this.service = service;
        this.source = source;
        this.codec = Objects.requireNonNull(service.codec(), "codec() returned null");
        this.replyCodec = Objects.requireNonNull(service.replyCodec(), "replyCodec() returned null");
        final Duration handoff = Objects.requireNonNull(service.handoffTimeout(), "handoffTimeout() returned null");
        if (handoff.isNegative() || handoff.isZero()) {
            throw new IllegalArgumentException("handoffTimeout() must be positive, was " + handoff);
        }
        final Duration checkpoint = Objects.requireNonNull(service.checkpointInterval(),
            "checkpointInterval() returned null");
        if (checkpoint.isNegative()) {
            throw new IllegalArgumentException("checkpointInterval() must not be negative, was " + checkpoint);
        }
        final RestartPolicy policy = Objects.requireNonNull(service.restartPolicy(), "restartPolicy() returned null");
        final Set<String> roles = Objects.requireNonNull(service.requiredRoles(), "requiredRoles() returned null");
        this.mailboxCapacity = service.mailboxCapacity();
        if (mailboxCapacity < 0 || mailboxCapacity > ContainerSettings.MAX_MAILBOX_CAPACITY) {
            throw new IllegalArgumentException("mailboxCapacity() must be 0 (the container's) or 1.."
                + ContainerSettings.MAX_MAILBOX_CAPACITY + ", was " + mailboxCapacity);
        }
        this.info = new WorkerTypeInfo(name, handoff, checkpoint, policy, roles);
    }

    /**
     * Reads a type's settings.
     *
     * @param source how to name the service in logs (service id, bundle)
     * @throws RuntimeException when a setting is missing or invalid, or a getter threw
     */
    static <M, R> OfferedType<M, R> read(String name, WorkerType<M, R> service, String source) {
        return new OfferedType<>(name, service, source);
    }

    int capacity(int containerDefault) {
        return mailboxCapacity == 0 ? containerDefault : mailboxCapacity;
    }

    @Override
    public String toString() {
        return "worker type '" + name + "' (" + source + ")";
    }
}

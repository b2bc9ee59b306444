package org.swarmosgi.container.internal;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerType;

/** A worker type made of parts, as a worker bundle would publish it. */
final class TestType<M, R> implements WorkerType<M, R> {
    private final Codec<M> codec;
    private final Codec<R> replyCodec;
    private final Function<WorkerContext<M>, Worker<M, R>> factory;
    int capacity;
    Duration handoffTimeout = Duration.ofSeconds(5);
    Set<String> requiredRoles = Set.of();

    TestType(Codec<M> codec, Codec<R> replyCodec, Function<WorkerContext<M>, Worker<M, R>> factory) {
        this.codec = codec;
        this.replyCodec = replyCodec;
        this.factory = factory;
    }

    static TestType<String, String> strings(Function<WorkerContext<String>, Worker<String, String>> factory) {
        return new TestType<>(Codec.UTF8, Codec.UTF8, factory);
    }

    TestType<M, R> capacity(int c) {
        this.capacity = c;
        return this;
    }

    TestType<M, R> requiredRoles(String... roles) {
        this.requiredRoles = Set.of(roles);
        return this;
    }

    @Override
    public Set<String> requiredRoles() {
        return requiredRoles;
    }

    TestType<M, R> handoffTimeout(Duration d) {
        this.handoffTimeout = d;
        return this;
    }

    @Override
    public Codec<M> codec() {
        return codec;
    }

    @Override
    public Codec<R> replyCodec() {
        return replyCodec;
    }

    @Override
    public Worker<M, R> create(WorkerContext<M> context) {
        return factory.apply(context);
    }

    @Override
    public int mailboxCapacity() {
        return capacity;
    }

    @Override
    public Duration handoffTimeout() {
        return handoffTimeout;
    }
}

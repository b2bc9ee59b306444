package org.swarmosgi.registry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;

/**
 * Benchmark access to a {@link RegistryComponent} built outside OSGi: its configuration, the size of
 * its replica's view (what {@code whereis} reads) and its shutdown. Lives in the registry's package
 * for the package-private parts.
 */
public final class RegistryProbe {
    /** The count of live names in a {@link NameIndex} (written by the registry thread only). */
    private static final VarHandle LIVE;

    static {
        try {
            LIVE = MethodHandles.privateLookupIn(NameIndex.class, MethodHandles.lookup())
                .findVarHandle(NameIndex.class, "live", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RegistryComponent component;
    private final NameIndex winners;
    private final RegistryCore core;
    private final RegistryLoop loop;
    private final Field moves;
    private final Field moveQueue;
    private final Field rebalanceDue;

    public RegistryProbe(RegistryComponent component) {
        this.component = component;
        try {
            final Field core = RegistryComponent.class.getDeclaredField("core");
            core.setAccessible(true);
            final Field w = RegistryCore.class.getDeclaredField("winners");
            w.setAccessible(true);
            this.core = (RegistryCore) core.get(component);
            this.winners = (NameIndex) w.get(this.core);
            final Field l = RegistryComponent.class.getDeclaredField("loop");
            l.setAccessible(true);
            this.loop = (RegistryLoop) l.get(component);
            moves = RegistryCore.class.getDeclaredField("moves");
            moveQueue = RegistryCore.class.getDeclaredField("moveQueue");
            rebalanceDue = RegistryCore.class.getDeclaredField("rebalanceDue");
            moves.setAccessible(true);
            moveQueue.setAccessible(true);
            rebalanceDue.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names the local replica resolves (any thread; an opaque read of the registry thread's count). */
    public long replicaSize() {
        return (int) LIVE.getOpaque(winners);
    }

    /**
     * Moves of this node's workers not finished yet, read on the registry thread: those under way plus
     * those queued, plus 1 while a rebalance is due (waiting for a complete view).
     */
    public int movesPending() {
        final java.util.concurrent.CompletableFuture<Integer> n = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            try {
                n.complete(((java.util.Map<?, ?>) moves.get(core)).size() + ((java.util.Collection<?>) moveQueue.get(core)).size()
                    + (rebalanceDue.getBoolean(core) ? 1 : 0));
            } catch (ReflectiveOperationException e) {
                n.completeExceptionally(e);
            }
        });
        return n.join();
    }

    public void close() {
        component.deactivate();
    }

    /**
     * The configuration a node gets with no configuration at all, except that it stops without draining
     * ({@code drain.timeout.ms} 0): a benchmark ends its nodes together, and the moves benchmark drains
     * explicitly where it measures a drain. A system property {@code bench.registry.<attribute>} (e.g.
     * {@code -Dbench.registry.sync_timeout_ms=500}) overrides an attribute, to test what a setting changes.
     */
    public static RegistryConfig defaults() {
        final RegistryConfig d = DefaultConfig.registry();
        return (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
            new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> {
                final String set = System.getProperty("bench.registry." + method.getName());
                if (set != null) {
                    return method.getReturnType() == int.class ? (Object) Integer.parseInt(set) : (Object) Long.parseLong(set);
                }
                if (method.getName().equals("drain_timeout_ms")) {
                    return 0L;
                }
                if (method.getName().equals("equals")) {
                    return proxy == args[0];
                }
                return method.invoke(d, args);
            });
    }
}

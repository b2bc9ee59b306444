package org.swarmosgi.registry.internal;

import java.lang.reflect.Field;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark access to a {@link RegistryComponent} built outside OSGi: its default configuration, the
 * size of its replica's view (what {@code whereis} reads) and its shutdown. Lives in the registry's
 * package for the package-private parts.
 */
public final class RegistryProbe {
    private final RegistryComponent component;
    private final ConcurrentHashMap<?, ?> winners;

    public RegistryProbe(RegistryComponent component) {
        this.component = component;
        try {
            final Field core = RegistryComponent.class.getDeclaredField("core");
            core.setAccessible(true);
            final Field w = RegistryCore.class.getDeclaredField("winners");
            w.setAccessible(true);
            this.winners = (ConcurrentHashMap<?, ?>) w.get(core.get(component));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names the local replica resolves (any thread). */
    public long replicaSize() {
        return winners.mappingCount();
    }

    public void close() {
        component.deactivate();
    }

    /** The configuration a node gets with no configuration at all: every attribute at its default. */
    public static RegistryConfig defaults() {
        return DefaultConfig.registry();
    }
}

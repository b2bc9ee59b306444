package org.swarmosgi.registry.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;

import org.osgi.framework.Constants;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.swarmosgi.api.SwarmRegistry;

/**
 * Drains the node when the framework begins to stop ({@code stop 0}, SIGTERM through Felix's
 * shutdown hook), before any other bundle stops. The registry's own deactivation comes too late: the
 * framework stops bundles newest first, so a worker bundle (installed after the registry) would stop
 * first, its type would go and its workers would end with it instead of being handed off.
 */
@Component(service = {}, immediate = true, configurationPid = RegistryComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DrainOnFrameworkStop implements SynchronousBundleListener {
    private static final System.Logger LOG = System.getLogger(DrainOnFrameworkStop.class.getName());

    private final BundleContext context;
    private final SwarmRegistry registry;
    private final long timeoutMs;

    @Activate
    public DrainOnFrameworkStop(BundleContext context, @Reference SwarmRegistry registry, RegistryConfig config) {
        this.context = context;
        this.registry = registry;
        this.timeoutMs = config.drain_timeout_ms(); // checked by the registry component, which refuses a bad one
        context.addBundleListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.STOPPING || event.getBundle().getBundleId() != Constants.SYSTEM_BUNDLE_ID
            || timeoutMs <= 0) {
            return;
        }
        final long start = System.nanoTime();
        try {
            registry.drain(Duration.ofMillis(timeoutMs)).toCompletableFuture().join();
            LOG.log(Level.INFO, "the framework is stopping: drained in {0} ms, every worker that could move was handed off",
                (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the framework is stopping: not every worker was handed off: " + e.getMessage());
        }
    }
}

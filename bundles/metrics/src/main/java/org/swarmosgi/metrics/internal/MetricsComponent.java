package org.swarmosgi.metrics.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.metrics.MetricSource;

/**
 * Reads every {@link MetricSource} of the node (a whiteboard) and shows the figures as JMX MBeans and on
 * {@code /metrics}; runs the health checks every check interval and shows them on {@code /health/live}
 * and {@code /health/ready}, as files and with {@code swarm:health}. The servlets go on the OSGi
 * Servlet Whiteboard: whichever HTTP service runs serves them; when none does (the port was taken), the
 * rest still works and the log says so once.
 */
@Component(service = {}, immediate = true, configurationPid = MetricsConfig.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsConfig.class)
public final class MetricsComponent {

    private static final System.Logger LOG = System.getLogger(MetricsComponent.class.getName());
    static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    /** How long the HTTP service may take to come up before the log says it did not. */
    static final long HTTP_GRACE_MS = 15_000;

    private final Sources sources = new Sources();
    private volatile SwarmRegistry registry;
    private final BundleContext context;
    private final MetricsSettings settings;
    private final JmxExporter jmx;
    private final HealthChecks checks;
    private final HealthFiles files;
    private final ScheduledExecutorService timer;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final long startedNs = System.nanoTime();
    private boolean httpReported;

    @Activate
    public MetricsComponent(BundleContext context, MetricsConfig config) {
        this.context = context;
        this.settings = MetricsSettings.from(config, context.getProperty("swarm.work"),
            context.getDataFile("") == null ? null : context.getDataFile("").toPath());
        this.checks = new HealthChecks(sources, () -> registry, settings.aliveWindowMs(), System::nanoTime);
        HealthFiles f = null;
        if (settings.healthDir() != null) {
            try {
                f = new HealthFiles(settings.healthDir());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "no health files: cannot use " + settings.healthDir() + ": " + e);
            }
        }
        this.files = f;
        this.jmx = settings.jmx() ? new JmxExporter(sources) : null;
        if (jmx != null) {
            jmx.sync();
        }
        if (settings.http()) {
            registrations.add(servlet(new MetricsServlet(sources), "swarm-metrics", "/metrics"));
            registrations.add(servlet(new HealthServlet(checks), "swarm-health", "/health/*"));
        }
        final Hashtable<String, Object> command = new Hashtable<>();
        command.put("osgi.command.scope", "swarm");
        command.put("osgi.command.function", new String[] {"health"});
        registrations.add(context.registerService(HealthCommand.class, new HealthCommand(checks), command));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "swarm-metrics-health");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 0, settings.checkIntervalMs(), TimeUnit.MILLISECONDS);
    }

    private ServiceRegistration<Servlet> servlet(Servlet servlet, String name, String pattern) {
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.name", name);
        props.put("osgi.http.whiteboard.servlet.pattern", pattern);
        return context.registerService(Servlet.class, servlet, props);
    }

    /** The checks' thread, every check interval. */
    private void check() {
        try {
            checks.sample();
            if (files != null) {
                files.write(checks.alive(), checks.ready());
            }
            if (settings.http() && !httpReported) {
                reportHttp();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "health check failed: " + e, e);
        }
    }

    /** Once: where /metrics is served, or that it is not (the HTTP service did not start: port taken?). */
    private void reportHttp() {
        final ServiceReference<?>[] runtimes;
        try {
            runtimes = context.getServiceReferences(HTTP_RUNTIME, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IllegalStateException stopping) {
            return;
        }
        if (runtimes != null && runtimes.length > 0) {
            httpReported = true;
            final Object endpoint = runtimes[0].getProperty("osgi.http.endpoint");
            LOG.log(System.Logger.Level.INFO, "serving /metrics, /health/live and /health/ready at "
                + (endpoint instanceof String[] a ? String.join(", ", a) : String.valueOf(endpoint)));
        } else if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNs) > HTTP_GRACE_MS) {
            httpReported = true;
            LOG.log(System.Logger.Level.ERROR, "no HTTP service runs on this node after " + HTTP_GRACE_MS / 1000
                + " s: /metrics and /health/* are not served. Is port " + property("org.osgi.service.http.port", "8080")
                + " on " + property("org.apache.felix.http.host", "0.0.0.0") + " taken by another process? Set "
                + "org.osgi.service.http.port (bin/swarm --http-port) or PID org.apache.felix.http. JMX, swarm:health "
                + "and the health files" + (files == null ? "" : " in " + files.dir()) + " still work.");
        }
    }

    private String property(String key, String otherwise) {
        final String v = context.getProperty(key);
        return v == null || v.isBlank() ? otherwise : v;
    }

    @Reference(service = MetricSource.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, unbind = "removeSource")
    void addSource(MetricSource source) {
        sources.add(source);
        if (jmx != null) {
            jmx.sync();
        }
    }

    void removeSource(MetricSource source) {
        sources.remove(source);
        if (jmx != null) {
            jmx.sync();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetRegistry")
    void setRegistry(SwarmRegistry registry) {
        this.registry = registry;
    }

    void unsetRegistry(SwarmRegistry registry) {
        if (this.registry == registry) {
            this.registry = null;
        }
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping: the framework withdrew it already
            }
        }
        if (jmx != null) {
            jmx.close();
        }
        if (files != null) {
            files.close();
        }
    }
}

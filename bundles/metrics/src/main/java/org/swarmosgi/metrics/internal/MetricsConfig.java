package org.swarmosgi.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of PID {@code org.swarmosgi.metrics}. Every key is optional. The HTTP port and address
 * are not here: they belong to the HTTP service (framework properties {@code org.osgi.service.http.port}
 * and {@code org.apache.felix.http.host}, or the same keys in PID {@code org.apache.felix.http}).
 */
@ObjectClassDefinition(name = "Swarm metrics and health",
    description = "Shows every figure of the node as JMX MBeans and on /metrics (Prometheus), and its health on "
        + "/health/live, /health/ready, as files for exec probes and with swarm:health.")
public @interface MetricsConfig {

    String PID = "org.swarmosgi.metrics";

    @AttributeDefinition(name = "jmx.enabled", description = "Register the MBeans org.swarmosgi:type=<group> on the "
        + "platform MBeanServer.")
    boolean jmx_enabled() default true;

    @AttributeDefinition(name = "http.enabled", description = "Publish /metrics and /health/* on the OSGi Servlet "
        + "Whiteboard (served by the node's HTTP service, 127.0.0.1:8181 by default).")
    boolean http_enabled() default true;

    @AttributeDefinition(name = "alive.window.ms", description = "A node is alive while the duty cycles of its "
        + "transport, membership and registry each turned within this many milliseconds (100..600000).")
    long alive_window_ms() default MetricsSettings.DEFAULT_ALIVE_WINDOW_MS;

    @AttributeDefinition(name = "check.interval.ms", description = "How often the health checks run and the health "
        + "files are written, in milliseconds (100..60000).")
    long check_interval_ms() default MetricsSettings.DEFAULT_CHECK_INTERVAL_MS;

    @AttributeDefinition(name = "health.dir", description = "Folder of the health files (alive: rewritten every "
        + "check while alive; ready: present only while ready). Empty: <swarm.work>/health, or the bundle's data "
        + "folder when the framework has no swarm.work property. '-' writes no files.")
    String health_dir() default "";
}

package org.swarmosgi.metrics.internal;

import java.nio.file.Path;

/**
 * The checked settings of PID {@code org.swarmosgi.metrics}: defaults live here, values are validated
 * once, and an error names the key.
 *
 * @param healthDir null: no health files
 */
record MetricsSettings(boolean jmx, boolean http, long aliveWindowMs, long checkIntervalMs, Path healthDir) {

    static final long DEFAULT_ALIVE_WINDOW_MS = 5_000;
    static final long DEFAULT_CHECK_INTERVAL_MS = 1_000;

    MetricsSettings {
        if (aliveWindowMs < 100 || aliveWindowMs > 600_000) {
            throw new IllegalArgumentException(MetricsConfig.PID + ": alive.window.ms must be 100..600000, was "
                + aliveWindowMs);
        }
        if (checkIntervalMs < 100 || checkIntervalMs > 60_000) {
            throw new IllegalArgumentException(MetricsConfig.PID + ": check.interval.ms must be 100..60000, was "
                + checkIntervalMs);
        }
    }

    /**
     * @param work    the framework's {@code swarm.work} property (null outside bin/swarm, e.g. in Karaf)
     * @param dataDir the bundle's data folder, used when there is no work folder
     */
    static MetricsSettings from(MetricsConfig c, String work, Path dataDir) {
        final String dir = c.health_dir().trim();
        final Path health;
        if (dir.equals("-")) {
            health = null;
        } else if (!dir.isEmpty()) {
            health = Path.of(dir);
        } else if (work != null && !work.isBlank()) {
            health = Path.of(work, "health");
        } else {
            health = dataDir == null ? null : dataDir.resolve("health");
        }
        return new MetricsSettings(c.jmx_enabled(), c.http_enabled(), c.alive_window_ms(), c.check_interval_ms(), health);
    }
}

package org.swarmosgi.deployment.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@link DeploymentConfig}, checked: every bad value is refused with a message naming its key. */
record DeploymentSettings(String deployDir, long watchIntervalMs, String storeDir, int chunkSize, long maxBundleSize,
                          List<String> allowedSchemes, long fetchTimeoutMs, long retryDelayMs, long gossipIntervalMs,
                          int maxDeployments, long rollingWaitMs) {

    /** Largest chunk a node serves, whatever it asks itself: bounds what one request allocates. */
    static final int MAX_CHUNK = 4 << 20;

    DeploymentSettings {
        range("watch.interval.ms", watchIntervalMs, 100, 600_000);
        range("chunk.size", chunkSize, 1024, MAX_CHUNK);
        range("max.bundle.size", maxBundleSize, 1024, 1L << 30);
        range("fetch.timeout.ms", fetchTimeoutMs, 100, 600_000);
        range("retry.delay.ms", retryDelayMs, 10, 600_000);
        range("gossip.interval.ms", gossipIntervalMs, 100, 600_000);
        range("max.deployments", maxDeployments, 1, 65_536);
        range("rolling.wait.ms", rollingWaitMs, 0, 3_600_000);
        for (String s : allowedSchemes) {
            if (!s.matches("[a-z][a-z0-9+.-]*")) {
                throw new IllegalArgumentException("allowed.schemes: '" + s + "' is not a URL scheme");
            }
        }
        allowedSchemes = List.copyOf(allowedSchemes);
    }

    static DeploymentSettings of(DeploymentConfig c) {
        return new DeploymentSettings(c.deploy_dir().strip(), c.watch_interval_ms(), c.store_dir().strip(),
                c.chunk_size(), c.max_bundle_size(),
                Arrays.stream(c.allowed_schemes()).flatMap(s -> Arrays.stream(s.split(",")))
                        .map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList(),
                c.fetch_timeout_ms(), c.retry_delay_ms(), c.gossip_interval_ms(), c.max_deployments(),
                c.rolling_wait_ms());
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}

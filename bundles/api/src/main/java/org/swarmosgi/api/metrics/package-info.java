/**
 * Operational figures of a node, read-only: each bundle that counts something publishes a
 * {@link org.swarmosgi.api.metrics.MetricSource} service (a whiteboard), and the readers (the
 * {@code swarm:stats} command, JMX, the Prometheus endpoint of {@code org.swarmosgi.metrics}) ask
 * every source for a snapshot of its {@link org.swarmosgi.api.metrics.Metric}s when they are read.
 * Counting itself stays inside each bundle (single-writer counters on the hot paths); this package
 * only describes what was counted.
 */
@Export
@Version("1.0.0")
package org.swarmosgi.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

package org.swarmosgi.api.metrics;

/** What a figure is, in Prometheus' terms. */
public enum MetricType {
    /** Only goes up while the node runs (it starts at zero again with the bundle that counts). */
    COUNTER,
    /** A value now: it goes up and down. */
    GAUGE
}

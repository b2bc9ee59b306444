package org.swarmosgi.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;

/**
 * The node's metric sources (the whiteboard), read by every exporter. A source that throws costs its
 * own figures only; the failure is counted in {@code swarm_metrics_source_errors_total}.
 */
final class Sources {

    private static final System.Logger LOG = System.getLogger(Sources.class.getName());

    private final List<MetricSource> sources = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.LongAdder errors = new java.util.concurrent.atomic.LongAdder();

    void add(MetricSource source) {
        sources.add(source);
    }

    void remove(MetricSource source) {
        sources.remove(source);
    }

    /** The groups of the sources now, each once, in the order they came. */
    List<String> groups() {
        final List<String> groups = new ArrayList<>();
        for (MetricSource s : sources) {
            final String g = s.group();
            if (!groups.contains(g)) {
                groups.add(g);
            }
        }
        return groups;
    }

    /** Every figure of one group (null: of all groups), read now. */
    List<Metric> read(String group) {
        final List<Metric> all = new ArrayList<>(128);
        for (MetricSource s : sources) {
            if (group == null || group.equals(s.group())) {
                try {
                    all.addAll(s.metrics());
                } catch (RuntimeException e) {
                    errors.increment();
                    LOG.log(System.Logger.Level.WARNING, "metric source " + s.group() + " failed: " + e);
                }
            }
        }
        if (group == null) {
            all.add(Metric.counter("swarm_metrics_source_errors_total", "Metric sources that threw when read",
                errors.sum()));
        }
        return all;
    }
}

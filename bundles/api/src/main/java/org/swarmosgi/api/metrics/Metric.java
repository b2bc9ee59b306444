package org.swarmosgi.api.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One figure read now: a Prometheus-style name ({@code swarm_transport_messages_received_total}), a
 * help text, its type, labels (sorted by name) and an integral value. Immutable; names and label
 * names are checked here once so every reader can print them as they are.
 */
public final class Metric {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String name;
    private final String help;
    private final MetricType type;
    private final Map<String, String> labels;
    private final long value;

    private Metric(String name, String help, MetricType type, Map<String, String> labels, long value) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: '" + name + "'");
        }
        final TreeMap<String, String> sorted = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (!LABEL.matcher(k).matches() || k.startsWith("__")) {
                throw new IllegalArgumentException("not a label name: '" + k + "' (metric " + name + ")");
            }
            sorted.put(k, Objects.requireNonNull(v, "label value"));
        });
        this.name = name;
        this.help = Objects.requireNonNull(help, "help");
        this.type = Objects.requireNonNull(type, "type");
        this.labels = Collections.unmodifiableMap(sorted);
        this.value = value;
    }

    /** A counter: by convention its name ends in {@code _total}. */
    public static Metric counter(String name, String help, long value) {
        return new Metric(name, help, MetricType.COUNTER, Map.of(), value);
    }

    /** A counter with labels, e.g. {@code Map.of("reason", "BAD_MAC")}. */
    public static Metric counter(String name, String help, Map<String, String> labels, long value) {
        return new Metric(name, help, MetricType.COUNTER, labels, value);
    }

    public static Metric gauge(String name, String help, long value) {
        return new Metric(name, help, MetricType.GAUGE, Map.of(), value);
    }

    public static Metric gauge(String name, String help, Map<String, String> labels, long value) {
        return new Metric(name, help, MetricType.GAUGE, labels, value);
    }

    public String name() {
        return name;
    }

    public String help() {
        return help;
    }

    public MetricType type() {
        return type;
    }

    /** Label names to values, sorted by name; empty for a figure without labels. */
    public Map<String, String> labels() {
        return labels;
    }

    public long value() {
        return value;
    }

    /** The name with its labels, as Prometheus prints a sample: {@code name{a="x",b="y"}} (values unescaped). */
    public String key() {
        if (labels.isEmpty()) {
            return name;
        }
        final StringBuilder b = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metric m && m.name.equals(name) && m.type == type && m.labels.equals(labels)
                && m.value == value && m.help.equals(help);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, labels, value);
    }

    @Override
    public String toString() {
        return key() + " " + value;
    }
}

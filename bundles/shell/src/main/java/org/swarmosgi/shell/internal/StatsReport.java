package org.swarmosgi.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;

/**
 * The text and JSON of {@code swarm:stats}: every figure of every metric source, by group. The text
 * fits 80 columns and leaves out labelled figures at zero (drops by a reason that never happened); the
 * JSON has them all. Pure.
 */
final class StatsReport {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final int VALUE_WIDTH = 15;

    private StatsReport() {
    }

    /** One group's figures, read from its sources. */
    record Group(String name, List<Metric> metrics) {
    }

    /** Reads the sources now, merging the sources of one group. */
    static List<Group> read(List<MetricSource> sources) {
        final Map<String, List<Metric>> groups = new LinkedHashMap<>();
        for (MetricSource s : sources) {
            final List<Metric> into = groups.computeIfAbsent(s.group(), g -> new ArrayList<>());
            into.addAll(s.metrics());
        }
        final List<Group> out = new ArrayList<>(groups.size());
        groups.forEach((g, m) -> out.add(new Group(g, m)));
        return out;
    }

    static String text(List<Group> groups) {
        if (groups.isEmpty()) {
            return "no figures: no bundle of this node publishes metrics";
        }
        final StringBuilder out = new StringBuilder();
        for (Group g : groups) {
            out.append(g.name()).append(System.lineSeparator());
            for (Metric m : g.metrics()) {
                if (!m.labels().isEmpty() && m.value() == 0) {
                    continue;
                }
                final String label = "  " + Text.printable(label(g.name(), m));
                out.append(Text.column(label, Text.WIDTH - VALUE_WIDTH - 1)).append(' ')
                    .append(String.format("%" + VALUE_WIDTH + "d", m.value())).append(System.lineSeparator());
            }
        }
        return out.append("(figures by reason at 0 are left out; swarm:stats --json lists every one)").toString();
    }

    /** {@code swarm_transport_dropped_total{reason="GAP"}} in group Transport: {@code dropped GAP}. */
    static String label(String group, Metric m) {
        String name = m.name();
        final String prefix = "swarm_" + group.toLowerCase(Locale.ROOT) + "_";
        if (name.startsWith(prefix)) {
            name = name.substring(prefix.length());
        }
        if (name.endsWith("_total")) {
            name = name.substring(0, name.length() - "_total".length());
        }
        final StringBuilder b = new StringBuilder(name.replace('_', ' '));
        m.labels().values().forEach(v -> b.append(' ').append(v));
        return b.toString();
    }

    /** One JSON document on one line: {"groups":[{"group":..,"metrics":[{"name",..,"type","labels","value","help"}]}]}. */
    static String json(List<Group> groups) {
        final ObjectNode root = MAPPER.createObjectNode();
        final ArrayNode array = root.putArray("groups");
        for (Group g : groups) {
            final ObjectNode group = array.addObject();
            group.put("group", g.name());
            final ArrayNode metrics = group.putArray("metrics");
            for (Metric m : g.metrics()) {
                final ObjectNode node = metrics.addObject();
                node.put("name", m.name());
                node.put("type", m.type().name().toLowerCase(Locale.ROOT));
                final ObjectNode labels = node.putObject("labels");
                m.labels().forEach(labels::put);
                node.put("value", m.value());
                node.put("help", m.help());
            }
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the figures as JSON", e);
        }
    }
}

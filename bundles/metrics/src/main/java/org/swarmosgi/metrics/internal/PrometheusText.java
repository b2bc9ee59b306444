package org.swarmosgi.metrics.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.swarmosgi.api.metrics.Metric;

/**
 * The Prometheus text exposition format 0.0.4: for each metric name one {@code # HELP} and one
 * {@code # TYPE} line, then its samples, all samples of a name together (the format requires it, and
 * sources may list a name's samples apart). Pure.
 */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    static String format(Collection<Metric> metrics) {
        final Map<String, List<Metric>> byName = new LinkedHashMap<>();
        for (Metric m : metrics) {
            byName.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
        }
        final StringBuilder out = new StringBuilder(64 * metrics.size());
        for (Map.Entry<String, List<Metric>> e : byName.entrySet()) {
            final Metric first = e.getValue().get(0);
            out.append("# HELP ").append(e.getKey()).append(' ');
            escapeHelp(first.help(), out);
            out.append('\n');
            out.append("# TYPE ").append(e.getKey()).append(' ')
                .append(first.type().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
            for (Metric m : e.getValue()) {
                out.append(m.name());
                if (!m.labels().isEmpty()) {
                    out.append('{');
                    boolean comma = false;
                    for (Map.Entry<String, String> label : m.labels().entrySet()) {
                        if (comma) {
                            out.append(',');
                        }
                        comma = true;
                        out.append(label.getKey()).append("=\"");
                        escapeLabelValue(label.getValue(), out);
                        out.append('"');
                    }
                    out.append('}');
                }
                out.append(' ').append(m.value()).append('\n');
            }
        }
        return out.toString();
    }

    /** HELP text: backslash and line feed escaped. */
    static void escapeHelp(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** Label values: backslash, double quote and line feed escaped. */
    static void escapeLabelValue(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}

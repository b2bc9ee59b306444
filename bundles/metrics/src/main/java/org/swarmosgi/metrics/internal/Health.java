package org.swarmosgi.metrics.internal;

import java.util.List;

/**
 * One answer of the health checks: up or not, and each check with what it found. Immutable.
 *
 * @param up     every check passed
 * @param checks in a fixed order
 */
record Health(boolean up, List<Check> checks) {

    /** @param detail what was found, for a person (e.g. "no turn for 6.2 s") */
    record Check(String name, boolean ok, String detail) {
    }

    static Health of(List<Check> checks) {
        return new Health(checks.stream().allMatch(Check::ok), List.copyOf(checks));
    }

    /** A small JSON document: {"status":"UP","checks":[{"name":...,"status":"UP","detail":...}]}. */
    String json() {
        final StringBuilder b = new StringBuilder(64 + 80 * checks.size());
        b.append("{\"status\":\"").append(up ? "UP" : "DOWN").append("\",\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
            final Check c = checks.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"name\":");
            quote(c.name(), b);
            b.append(",\"status\":\"").append(c.ok() ? "UP" : "DOWN").append("\",\"detail\":");
            quote(c.detail(), b);
            b.append('}');
        }
        return b.append("]}").toString();
    }

    /** Lines for a terminal: the status, then one line per check. */
    String text() {
        final StringBuilder b = new StringBuilder(up ? "UP" : "DOWN").append('\n');
        for (Check c : checks) {
            b.append(String.format("  %-4s %-12s %s%n", c.ok() ? "ok" : "FAIL", c.name(), c.detail()));
        }
        return b.toString();
    }

    private static void quote(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}

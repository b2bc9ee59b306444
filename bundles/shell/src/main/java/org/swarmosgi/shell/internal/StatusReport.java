package org.swarmosgi.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.ring.HashRing;

/** Formats the text of {@code swarm:status}. Pure: values in, text out. */
final class StatusReport {

    /** What the report needs of the local node. */
    record Node(NodeId id, String clusterName, String autocluster, String bindAddress,
                String advertiseAddress, boolean usesDefaultSecret) {
    }

    private StatusReport() {
    }

    /**
     * @param node      this node
     * @param transport this node's transport endpoint, or null when no transport runs
     * @param members   the members membership reports (this node included), or null when no
     *                  membership runs: then the ring is this node alone
     * @return the report, lines separated by {@code \n}, without a final newline
     */
    static String format(Node node, Endpoint transport, Collection<Member> members) {
        final StringBuilder out = new StringBuilder(512);
        out.append("Swarm node ").append(node.id().name())
                .append(" (incarnation ").append(incarnation(node.id())).append(")\n");
        field(out, "cluster", node.clusterName());
        field(out, "autocluster", node.autocluster());
        field(out, "bind", node.bindAddress());
        field(out, "advertise", node.advertiseAddress());
        field(out, "transport", transport == null ? "not running" : transport.toString());
        field(out, "membership", members == null ? "not running: the ring is this node alone"
                : members.size() + (members.size() == 1 ? " member" : " members"));
        if (node.usesDefaultSecret()) {
            out.append("WARNING: the built-in development cluster secret is in use: any process that can reach\n")
                    .append("         this node can join its cluster. Set a secret (--secret, SWARM_CLUSTER_SECRET)\n")
                    .append("         before binding to anything but loopback.\n");
        }
        ring(out, node.id(), transport, members);
        out.setLength(out.length() - 1); // Gogo ends the printed result with its own newline
        return out.toString();
    }

    private static void ring(StringBuilder out, NodeId self, Endpoint transport, Collection<Member> members) {
        // One row per member name: the ring places names on node names, not on incarnations.
        final Map<String, Row> rows = new TreeMap<>();
        if (members != null) {
            for (Member m : members) {
                rows.put(m.id().name(), new Row(m.id(), m.endpoint().toString()));
            }
        }
        rows.putIfAbsent(self.name(), new Row(self, transport == null ? "-" : transport.toString()));
        final HashRing ring = HashRing.of(rows.keySet());

        out.append("Ring: ").append(ring.size()).append(ring.size() == 1 ? " member, " : " members, ")
                .append(ring.virtualNodes()).append(" virtual nodes each\n");
        final List<String[]> table = new ArrayList<>(rows.size() + 1);
        table.add(new String[] {"MEMBER", "INCARNATION", "ENDPOINT", "SHARE", ""});
        for (Row row : rows.values()) {
            table.add(new String[] {
                row.id.name(),
                incarnation(row.id),
                row.endpoint,
                String.format(Locale.ROOT, "%.1f%%", 100.0 * ring.share(row.id.name())),
                row.id.name().equals(self.name()) ? "(this node)" : ""});
        }
        final int[] width = new int[5];
        for (String[] cells : table) {
            for (int i = 0; i < cells.length; i++) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        for (String[] cells : table) {
            final StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < cells.length; i++) {
                if (i == 3) { // right-align the share so the decimal points line up
                    line.append(" ".repeat(width[i] - cells[i].length())).append(cells[i]);
                } else {
                    line.append(cells[i]).append(" ".repeat(width[i] - cells[i].length()));
                }
                line.append("  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static void field(StringBuilder out, String label, String value) {
        out.append("  ").append(label).append(" ".repeat(13 - label.length())).append(value).append('\n');
    }

    private static String incarnation(NodeId id) {
        return Long.toHexString(id.incarnation());
    }

    private record Row(NodeId id, String endpoint) {
    }
}

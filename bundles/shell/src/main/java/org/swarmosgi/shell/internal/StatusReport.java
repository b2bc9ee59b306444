package org.swarmosgi.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.ring.HashRing;

/**
 * Formats the text of {@code swarm:status}. Pure: values in, text out.
 *
 * <p>The ring shown is the registry's topology ({@code nodes()}, {@code self()}) when a registry
 * runs, since the registry owns topology; without one it falls back to membership's members. The
 * shares are those of a {@link HashRing} with the default virtual nodes over the ring's member
 * names.
 */
final class StatusReport {

    /** What the report needs of the local node. */
    record Node(NodeId id, String clusterName, String autocluster, String bindAddress,
                String advertiseAddress, boolean usesDefaultSecret) {
    }

    /**
     * What the report needs of the registry, when one runs: the nodes it places names on.
     *
     * @param self      this node as the registry sees it
     * @param nodes     {@code SwarmRegistry.nodes()}: the ring's members, this node included
     * @param ready     {@code SwarmRegistry.ready()}
     * @param hasQuorum {@code SwarmRegistry.hasQuorum()}
     */
    record Topology(Member self, List<Member> nodes, boolean ready, boolean hasQuorum) {
    }

    private StatusReport() {
    }

    /** The report without a registry: the ring is built from membership. */
    static String format(Node node, Endpoint transport, Collection<Member> members) {
        return format(node, transport, members, null);
    }

    /**
     * @param node      this node
     * @param transport this node's transport endpoint, or null when no transport runs
     * @param members   the members membership reports (this node included), or null when no
     *                  membership runs
     * @param topology  the registry's topology, or null when no registry runs. The ring is the
     *                  registry's nodes when there is one (the registry owns topology), else the
     *                  members of membership, else this node alone
     * @return the report, lines separated by {@code \n}, without a final newline
     */
    static String format(Node node, Endpoint transport, Collection<Member> members, Topology topology) {
        final StringBuilder out = new StringBuilder(512);
        out.append("Swarm node ").append(node.id().name())
                .append(" (incarnation ").append(incarnation(node.id())).append(")\n");
        field(out, "cluster", node.clusterName());
        field(out, "autocluster", node.autocluster());
        field(out, "bind", node.bindAddress());
        field(out, "advertise", node.advertiseAddress());
        field(out, "transport", transport == null ? "not running" : transport.toString());
        field(out, "membership", members == null
                ? (topology == null ? "not running: the ring is this node alone" : "not running")
                : members.size() + (members.size() == 1 ? " member" : " members"));
        field(out, "registry", registry(topology, members != null));
        if (node.usesDefaultSecret()) {
            out.append("WARNING: the built-in development cluster secret is in use: any process that\n")
                    .append("         can reach this node can join its cluster. Set a secret (--secret,\n")
                    .append("         SWARM_CLUSTER_SECRET) before binding to anything but loopback.\n");
        }
        if (topology != null) {
            ring(out, topology.self().id(), topology.self().endpoint().toString(), topology.nodes());
        } else {
            ring(out, node.id(), transport == null ? "-" : transport.toString(), members);
        }
        out.setLength(out.length() - 1); // Gogo ends the printed result with its own newline
        return out.toString();
    }

    /**
     * {@link #format} as a document: {@code node}, {@code incarnation}, {@code cluster},
     * {@code autocluster}, {@code bind}, {@code advertise}, {@code transport} (null when not running),
     * {@code members} (membership's count, null when not running), {@code registry} (ready, syncing,
     * noQuorum, notRunning), {@code defaultSecret}, {@code virtualNodes}, and {@code ring}: each
     * member's node, incarnation, endpoint, {@code share} (0 to 1) and {@code self}.
     */
    static ObjectNode json(Node node, Endpoint transport, Collection<Member> members, Topology topology) {
        final ObjectNode out = Json.node(node.id());
        out.put("cluster", node.clusterName()).put("autocluster", node.autocluster())
                .put("bind", node.bindAddress()).put("advertise", node.advertiseAddress())
                .put("transport", transport == null ? null : transport.toString());
        if (members == null) {
            out.putNull("members");
        } else {
            out.put("members", members.size());
        }
        out.put("registry", topology == null ? "notRunning" : !topology.hasQuorum() ? "noQuorum"
                : topology.ready() ? "ready" : "syncing");
        out.put("defaultSecret", node.usesDefaultSecret());
        final Map<String, Row> rows = topology != null
                ? rows(topology.self().id(), topology.self().endpoint().toString(), topology.nodes())
                : rows(node.id(), transport == null ? "-" : transport.toString(), members);
        final HashRing ring = HashRing.of(rows.keySet());
        out.put("virtualNodes", ring.virtualNodes());
        final ArrayNode a = out.putArray("ring");
        final String self = topology != null ? topology.self().id().name() : node.id().name();
        for (Row row : rows.values()) {
            final ObjectNode o = a.addObject();
            o.setAll(Json.node(row.id));
            o.put("endpoint", row.endpoint).put("share", ring.share(row.id.name())).put("self", row.id.name().equals(self));
        }
        return out;
    }

    private static String registry(Topology topology, boolean membership) {
        if (topology == null) {
            return membership ? "not running: the ring is built from membership" : "not running";
        }
        if (!topology.hasQuorum()) {
            return "running, NO QUORUM: registrations are refused";
        }
        return topology.ready() ? "running, ready: the ring is the registry's"
                : "running, syncing: lookups may miss names for now";
    }

    private static void ring(StringBuilder out, NodeId self, String selfEndpoint, Collection<Member> members) {
        final Map<String, Row> rows = rows(self, selfEndpoint, members);
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
        // Long member names are cut so that a row fits 80 columns: the other cells are short and bounded.
        final int others = 2 + width[1] + 2 + width[2] + 2 + width[3] + 2 + width[4];
        width[0] = Math.min(width[0], Math.max("MEMBER".length(), Text.WIDTH - others - 2));
        for (String[] cells : table) {
            cells[0] = Text.fit(cells[0], Math.max(4, width[0]));
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
            out.append(Text.fit(line.toString().stripTrailing(), Text.WIDTH)).append('\n');
        }
    }

    /** One row per member name: the ring places names on node names, not on incarnations. */
    private static Map<String, Row> rows(NodeId self, String selfEndpoint, Collection<Member> members) {
        final Map<String, Row> rows = new TreeMap<>();
        if (members != null) {
            for (Member m : members) {
                rows.put(m.id().name(), new Row(m.id(), m.endpoint().toString()));
            }
        }
        rows.putIfAbsent(self.name(), new Row(self, selfEndpoint));
        return rows;
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

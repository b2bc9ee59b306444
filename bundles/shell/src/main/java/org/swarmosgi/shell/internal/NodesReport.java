package org.swarmosgi.shell.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.ring.HashRing;

/**
 * The text and document of {@code swarm:nodes}: one row per node that membership reports or the
 * registry places names on. Pure: values in, text out; every line fits {@value Text#WIDTH} columns.
 *
 * <p>A node's state says where the two views stand: {@code up} in both (or in membership while no
 * registry runs), {@code joining} in membership but not yet in the registry's ring (it syncs
 * first), {@code leaving} in the registry's ring but no longer in membership (the registry drops
 * it next). Roles come from the registry, which hears them from each node with its worker types: a node
 * it has not heard from yet (or every other node, while no registry runs) shows {@code ?}.
 */
final class NodesReport {

    /** What the report needs of this node. */
    record Self(NodeId id, String endpoint, Set<String> roles) {
    }

    /**
     * @param members        membership's members (this node included), or null when none runs
     * @param lastHeartbeats when each member was last heard ({@code Membership.lastHeartbeat})
     * @param topology       the registry's topology, or null when none runs
     * @param profiles       each node's roles and worker types as the registry heard them, or null when none runs
     */
    record Views(Collection<Member> members, Map<NodeId, Instant> lastHeartbeats, StatusReport.Topology topology,
                 Map<NodeId, NodeProfile> profiles) {
    }

    /** A row; {@code roles} and {@code types} are null when not known. */
    private record Row(NodeId id, String endpoint, String state, Instant heard, double share, boolean self,
                       Set<String> roles, Set<String> types) {
    }

    private static final int NAME_WIDTH = 16;

    private NodesReport() {
    }

    static String format(Self self, Views views, Instant now) {
        final List<Row> rows = rows(self, views);
        final List<String[]> table = new ArrayList<>(rows.size() + 1);
        table.add(new String[] {"NAME", "INCARNATION", "ENDPOINT", "STATE", "HEARD", "SHARE", "ROLES"});
        for (Row r : rows) {
            table.add(new String[] {
                Text.fit(Text.printable(r.id.name()), NAME_WIDTH),
                Long.toHexString(r.id.incarnation()),
                r.endpoint,
                r.state,
                r.self ? "self" : r.heard == null ? "-" : ago(r.heard, now),
                r.share < 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.share),
                r.roles == null ? "?" : r.roles.isEmpty() ? "-" : String.join(",", new TreeSet<>(r.roles))});
        }
        final int[] width = new int[7];
        for (String[] cells : table) {
            for (int i = 0; i < cells.length; i++) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        final StringBuilder out = new StringBuilder();
        for (String[] cells : table) {
            final StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < cells.length; i++) {
                final String pad = " ".repeat(width[i] - cells[i].length());
                line.append(i == 4 || i == 5 ? pad + cells[i] : cells[i] + pad).append(' '); // times, shares right
            }
            out.append(Text.fit(line.toString().stripTrailing(), Text.WIDTH)).append('\n');
        }
        int up = 0;
        boolean unknown = false;
        for (Row r : rows) {
            up += r.state.equals("up") ? 1 : 0;
            unknown |= r.roles == null;
        }
        out.append(Text.fit(rows.size() + (rows.size() == 1 ? " node, " : " nodes, ") + up + " up; "
                + (views.topology() != null ? "ring from the registry" : views.members() != null
                ? "ring from membership" : "ring of this node alone")
                + (!unknown ? "" : views.profiles() == null ? "; other nodes' roles need the registry"
                : "; ?: not heard from yet"), Text.WIDTH));
        return out.toString();
    }

    /**
     * {@link #format} as a document: {@code nodes}, each with node, incarnation, endpoint, state,
     * {@code self}, {@code lastHeartbeat} (ISO-8601, or null) and {@code lastHeartbeatAgeMs},
     * {@code share} (0 to 1, null off the ring), {@code roles} and {@code workerTypes} (sorted; null when not
     * known: a node the registry has not heard from yet, every other node while no registry runs, and this
     * node's types then); then {@code ring}: registry, membership or self.
     */
    static ObjectNode json(Self self, Views views, Instant now) {
        final ObjectNode out = Json.object();
        final ArrayNode a = out.putArray("nodes");
        for (Row r : rows(self, views)) {
            final ObjectNode o = a.addObject();
            o.setAll(Json.node(r.id));
            o.put("endpoint", r.endpoint).put("state", r.state).put("self", r.self);
            if (r.heard == null) {
                o.putNull("lastHeartbeat").putNull("lastHeartbeatAgeMs");
            } else {
                o.put("lastHeartbeat", r.heard.toString())
                        .put("lastHeartbeatAgeMs", Math.max(0, Duration.between(r.heard, now).toMillis()));
            }
            if (r.share < 0) {
                o.putNull("share");
            } else {
                o.put("share", r.share);
            }
            if (r.roles == null) {
                o.putNull("roles");
            } else {
                o.set("roles", Json.strings(new TreeSet<>(r.roles)));
            }
            if (r.types == null) {
                o.putNull("workerTypes");
            } else {
                o.set("workerTypes", Json.strings(new TreeSet<>(r.types)));
            }
        }
        return out.put("ring", views.topology() != null ? "registry" : views.members() != null ? "membership" : "self");
    }

    private static List<Row> rows(Self self, Views views) {
        final Map<NodeId, String> inMembership = new TreeMap<>();
        if (views.members() != null) {
            views.members().forEach(m -> inMembership.put(m.id(), m.endpoint().toString()));
        }
        final Map<NodeId, String> inRing = new TreeMap<>();
        final StatusReport.Topology t = views.topology();
        if (t != null) {
            t.nodes().forEach(m -> inRing.put(m.id(), m.endpoint().toString()));
            inRing.putIfAbsent(t.self().id(), t.self().endpoint().toString());
        }
        final Map<NodeId, String> all = new TreeMap<>(inMembership);
        all.putAll(inRing);
        all.putIfAbsent(self.id(), self.endpoint());
        // The ring places names on node names: the registry's nodes, else membership's, else this node.
        final Set<String> ringNames = new TreeSet<>();
        (t != null ? inRing : views.members() != null ? inMembership : Map.of(self.id(), "")).keySet()
                .forEach(id -> ringNames.add(id.name()));
        ringNames.add(self.id().name());
        final HashRing ring = HashRing.of(ringNames);
        final Set<NodeId> ringIds = t != null ? inRing.keySet() : views.members() != null ? inMembership.keySet()
                : Set.of(self.id());

        final List<Row> rows = new ArrayList<>(all.size());
        for (Map.Entry<NodeId, String> e : all.entrySet()) {
            final NodeId id = e.getKey();
            final boolean isSelf = id.equals(self.id());
            final boolean member = isSelf || views.members() == null || inMembership.containsKey(id);
            final boolean placed = isSelf || t == null || inRing.containsKey(id);
            final String state = member && placed ? "up" : member ? "joining" : "leaving";
            final NodeProfile profile = views.profiles() == null ? null : views.profiles().get(id);
            rows.add(new Row(id, e.getValue(), state, views.lastHeartbeats().get(id),
                    ringIds.contains(id) || isSelf ? ring.share(id.name()) : -1, isSelf,
                    isSelf ? self.roles() : profile == null ? null : profile.roles(),
                    profile == null ? null : profile.workerTypes()));
        }
        return rows;
    }

    /** "0.4s", "12s", "3m05s", "2h10m" ago. */
    static String ago(Instant then, Instant now) {
        final long ms = Math.max(0, Duration.between(then, now).toMillis());
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        final long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
    }
}

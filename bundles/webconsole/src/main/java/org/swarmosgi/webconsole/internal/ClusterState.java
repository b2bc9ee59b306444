package org.swarmosgi.webconsole.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.WorkerTypeStatus;
import org.swarmosgi.ring.HashRing;

/**
 * The page's data, one JSON object a poll. Pure: values in, a Jackson tree out; the page's script
 * draws it. Every string in it (node names come from the network) is data for the script, which puts
 * it in the page as text only.
 *
 * <p>The ring is the registry's topology when a registry runs (it owns topology), else membership's
 * members, else this node alone, as {@code swarm:status} has it. Workers per node count the names of
 * this node's replica by the node their worker runs on; worker types, with their running and moving
 * (handed off now) workers, are this node's ({@code WorkerHost.typeStatus()}).
 */
final class ClusterState {

    /** At most this many groups are listed (largest first); the total is given beside. */
    static final int MAX_GROUPS = 100;

    /** What the page needs of the registry, when one runs. */
    record Registry(Member self, List<Member> nodes, boolean ready, boolean hasQuorum,
                    Map<String, WorkerRef> registered, Map<String, Integer> groups, Map<NodeId, NodeProfile> profiles) {
    }

    /** What the page needs of this node. */
    record Self(NodeId id, String clusterName) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ClusterState() {
    }

    /**
     * @param self     this node
     * @param registry the registry's view, or null when none runs
     * @param members  membership's members (this node included), or null when none runs
     * @param types    this node's worker types, or null when no worker host runs
     * @param events   the remembered events and down nodes
     * @param now      the time of this snapshot
     */
    static ObjectNode build(Self self, Registry registry, Collection<Member> members,
                            List<WorkerTypeStatus> types, ClusterEvents events, Instant now) {
        final ObjectNode out = JSON.objectNode();
        out.put("time", now.toString());
        final ObjectNode me = out.putObject("self");
        me.put("name", self.id().name());
        me.put("incarnation", Long.toHexString(self.id().incarnation()));
        me.put("cluster", self.clusterName());
        out.put("registry", registry == null ? "not running"
                : !registry.hasQuorum() ? "no quorum" : registry.ready() ? "ready" : "syncing");
        out.put("membership", members == null ? "not running" : members.size() + (members.size() == 1 ? " member" : " members"));

        // One row per node name: the ring places names on node names, not on incarnations.
        final Map<String, Member> up = new TreeMap<>();
        if (registry != null) {
            registry.nodes().forEach(m -> up.put(m.id().name(), m));
        } else if (members != null) {
            members.forEach(m -> up.put(m.id().name(), m));
        }
        final HashRing ring = HashRing.of(up.isEmpty() ? List.of(self.id().name()) : up.keySet());
        final Map<String, Integer> workers = new HashMap<>();
        if (registry != null) {
            registry.registered().values().forEach(ref -> workers.merge(ref.node().name(), 1, Integer::sum));
            out.put("names", registry.registered().size());
        }
        final ArrayNode nodes = out.putArray("nodes");
        if (up.isEmpty()) {
            node(nodes, self.id(), null, "up", ring.share(self.id().name()), 0, true);
        }
        for (Member m : up.values()) {
            roles(node(nodes, m.id(), m.endpoint().toString(), "up", ring.share(m.id().name()),
                    workers.getOrDefault(m.id().name(), 0), m.id().name().equals(self.id().name())),
                    registry == null ? null : registry.profiles().get(m.id()));
        }
        for (ClusterEvents.Down d : events.down()) {
            if (!up.containsKey(d.member().id().name())) {
                node(nodes, d.member().id(), d.member().endpoint().toString(), "down", 0,
                        workers.getOrDefault(d.member().id().name(), 0), false)
                        .put("reason", d.reason().name().toLowerCase(java.util.Locale.ROOT))
                        .put("since", d.at().toString());
            }
        }

        int moving = 0;
        final ArrayNode typeRows = out.putArray("types");
        if (types != null) {
            for (WorkerTypeStatus t : types) {
                moving += t.moving();
                final ObjectNode row = typeRows.addObject();
                row.put("type", t.type());
                row.put("offered", t.offered());
                row.put("running", t.running());
                row.put("moving", t.moving());
                row.put("started", t.started());
                row.put("crashed", t.crashed());
                row.put("failedMessages", t.failedMessages());
                row.put("handoffTimeouts", t.handoffTimeouts());
                row.put("lastError", t.lastError());
                row.put("lastErrorAt", t.lastErrorAt() == null ? null : t.lastErrorAt().toString());
            }
        }
        out.put("workerHost", types != null);
        out.put("handoffs", moving);

        final ArrayNode groups = out.putArray("groups");
        if (registry != null) {
            out.put("groupsTotal", registry.groups().size());
            registry.groups().entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(MAX_GROUPS)
                    .forEach(g -> groups.addObject().put("name", g.getKey()).put("members", g.getValue()));
        }

        final ArrayNode recent = out.putArray("events");
        for (ClusterEvents.Event e : events.recent()) {
            recent.addObject().put("at", e.at().toString()).put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("node", e.node()).put("detail", e.detail());
        }
        out.put("eventsTotal", events.total());
        return out;
    }

    /** The node's roles, sorted, once the registry has heard them (a row has null until then). */
    private static void roles(ObjectNode row, NodeProfile profile) {
        if (profile != null) {
            final ArrayNode roles = row.putArray("roles");
            new java.util.TreeSet<>(profile.roles()).forEach(roles::add);
        }
    }

    private static ObjectNode node(ArrayNode nodes, NodeId id, String endpoint, String state, double share,
                                   int workers, boolean self) {
        final ObjectNode row = nodes.addObject();
        row.put("name", id.name());
        row.put("incarnation", Long.toHexString(id.incarnation()));
        row.put("endpoint", endpoint);
        row.put("state", state);
        row.put("share", share);
        row.put("workers", workers);
        row.put("self", self);
        row.putNull("roles");
        return row;
    }
}

package org.swarmosgi.webconsole.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NameListener;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.MembershipListener;

/**
 * What the page remembers between two looks: the last {@code capacity} events (joins, downs, moves,
 * restarts) in a ring buffer, and the nodes that went down (so the page shows them down rather than
 * silently gone), both bounded. Fed by membership (joins and downs, with the reason) and by the
 * registry's name listener (a name whose worker now runs on another node moved; on the same node, it
 * restarted).
 *
 * <p>Listeners call in on their own threads and must not block: every method holds this object's lock
 * for a few map and array operations only.
 */
final class ClusterEvents implements MembershipListener, NameListener {

    /** Kinds of event, as the page shows them. */
    enum Kind { JOIN, DOWN, MOVE, RESTART }

    /** One event; {@code node} is the node it is about (for a move: where the worker went). */
    record Event(Instant at, Kind kind, String node, String detail) {
    }

    /** A node membership reported down, and when. */
    record Down(Member member, DownReason reason, Instant at) {
    }

    /** How many down nodes are remembered: the oldest is forgotten first. */
    static final int MAX_DOWN = 64;

    private final Clock clock;
    private final Event[] ring;
    private int next;
    private long total;
    private final LinkedHashMap<String, Down> down = new LinkedHashMap<>();
    /** The node each registered name last ran on, to tell a move from a restart. */
    private final Map<String, String> nodeOfName = new HashMap<>();

    ClusterEvents(Clock clock, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.clock = clock;
        this.ring = new Event[capacity];
    }

    @Override
    public synchronized void memberUp(Member member) {
        down.remove(member.id().name());
        add(Kind.JOIN, member.id().name(), "incarnation " + Long.toHexString(member.id().incarnation()) + " at "
                + member.endpoint());
    }

    @Override
    public synchronized void memberDown(Member member, DownReason reason) {
        final String name = member.id().name();
        down.remove(name); // re-inserted last: the map's order is the order of the downs
        down.put(name, new Down(member, reason, clock.instant()));
        if (down.size() > MAX_DOWN) {
            final Iterator<String> oldest = down.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        add(Kind.DOWN, name, reason.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public synchronized void registered(String name, WorkerRef worker) {
        final String node = worker.node().name();
        final String before = nodeOfName.put(name, node);
        if (before != null) {
            add(before.equals(node) ? Kind.RESTART : Kind.MOVE, node, before.equals(node) ? name : name + " from " + before);
        }
    }

    @Override
    public synchronized void unregistered(String name, WorkerRef worker, StopReason reason) {
        // The registry replaces a moved or failed-over record by unregistering the old ref (any reason) and
        // registering the new one: keep the old node then, to name the move. Only these reasons end a name.
        if ((reason == StopReason.UNREGISTERED || reason == StopReason.NORMAL)
                && worker.node().name().equals(nodeOfName.get(name))) {
            nodeOfName.remove(name);
        }
    }

    /** Starts the name map afresh from a registry's replica (a new registry, or the first one). */
    synchronized void names(Map<String, WorkerRef> registered) {
        nodeOfName.clear();
        registered.forEach((name, ref) -> nodeOfName.put(name, ref.node().name()));
    }

    /** The events kept, newest first. */
    synchronized List<Event> recent() {
        final int kept = (int) Math.min(total, ring.length);
        final List<Event> out = new ArrayList<>(kept);
        for (int i = 1; i <= kept; i++) {
            out.add(ring[Math.floorMod(next - i, ring.length)]);
        }
        return out;
    }

    /** Events ever recorded, including those the ring no longer holds. */
    synchronized long total() {
        return total;
    }

    /** The nodes last reported down (and not up since), oldest first. */
    synchronized List<Down> down() {
        return new ArrayList<>(down.values());
    }

    private void add(Kind kind, String node, String detail) {
        ring[next] = new Event(clock.instant(), kind, node, detail);
        next = (next + 1) % ring.length;
        total++;
    }
}

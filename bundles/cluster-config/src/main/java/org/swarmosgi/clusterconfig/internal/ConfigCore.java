package org.swarmosgi.clusterconfig.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import org.swarmosgi.api.NodeId;

/**
 * The cluster configuration of one node, as a single-threaded state machine: inputs are this node's
 * configurations as ConfigAdmin reports them, peers' messages, membership events and ticks; outputs go
 * to {@link Effects}. The clock is injected, so tests drive it deterministically.
 *
 * <p>The <b>catalog</b> holds, per PID, the greatest {@link Entry} seen ({@link Entry#ORDER}): merging
 * is taking the maximum, so every node ends with the same catalog whatever the order of messages. It
 * spreads as deployment's does: changes pushed to every peer, the whole catalog to a peer that comes up
 * (it answers with what it has newer), and a periodic digest that repairs lost messages.
 *
 * <p><b>Local changes</b>: a shared PID whose shared properties (secret and local keys left out) were edited
 * and differ from its entry is a change made here: a new entry one generation above. A configuration this node
 * writes itself (applying an entry) is recognised by the stamp its write left together with the content
 * read back, so it is never taken for a change and echoed back. A node's configurations when it starts
 * are not a change, unless they differ from what they were at its previous start (a file edited while
 * it was down): nodes that start from the same files never fight, and a node that joins takes the
 * cluster's configuration.
 */
final class ConfigCore {

    /** No stamp: the configuration does not exist. */
    static final long NO_STAMP = Long.MIN_VALUE;
    private static final int ERRORS_KEPT = 16;

    /** What the core asks of the world; each call returns at once. */
    interface Effects {
        void send(NodeId to, Msg msg);

        /**
         * Makes this node's configuration of {@code pid} hold {@code props} as its shared keys (keeping its
         * local keys), or deletes it when {@code props} is null.
         *
         * @return what the configuration holds now, or null when the write failed (it was logged)
         */
        Written apply(String pid, SortedMap<String, Value> props);

        /** The catalog, the baselines or the local contents changed: keep them for the next start. */
        void stateChanged(Json.State state);
    }

    /**
     * A configuration as this node holds it.
     *
     * @param stamp its change count, {@link #NO_STAMP} when it does not exist
     * @param props its shared properties, null when it does not exist
     */
    record Written(long stamp, SortedMap<String, Value> props) {
    }

    /** Counts for {@code swarm:config list}. */
    record Counts(long localChanges, long remoteApplied, long ownWrites, long refusedLocal, long refusedRemote) {
    }

    private final String self;
    private final Effects effects;
    private final LongSupplier clock;
    private final Policy policy;
    private final long gossipIntervalMs;
    private final int maxPids;

    private final TreeMap<String, Entry> catalog = new TreeMap<>();
    /** What each shared PID holds on this node as last seen (null value: absent). */
    private final Map<String, SortedMap<String, Value>> local = new HashMap<>();
    /** The stamp and content of this node's last write of each PID. */
    private final Map<String, Written> own = new HashMap<>();
    /** What each shared PID held when this node started (null value: absent). */
    private final TreeMap<String, SortedMap<String, Value>> baselines = new TreeMap<>();
    /** What each shared PID held after the last change made on this node (null value: deleted). */
    private final TreeMap<String, SortedMap<String, Value>> locals = new TreeMap<>();
    /** Shared PIDs whose configuration here cannot be shared (refused) since it was last read or written. */
    private final Set<String> unshareable = new HashSet<>();
    private final TreeSet<NodeId> peers = new TreeSet<>();
    private final ArrayDeque<String> errors = new ArrayDeque<>();
    /** The catalog's digest, null once the catalog changed. */
    private String digest;
    private long nextGossip;
    private long localChanges;
    private long remoteApplied;
    private long ownWrites;
    private long refusedLocal;
    private long refusedRemote;

    ConfigCore(String self, Effects effects, LongSupplier clock, Policy policy, long gossipIntervalMs, int maxPids) {
        this.self = self;
        this.effects = effects;
        this.clock = clock;
        this.policy = policy;
        this.gossipIntervalMs = gossipIntervalMs;
        this.maxPids = maxPids;
        this.nextGossip = clock.getAsLong() + gossipIntervalMs;
    }

    // ================================================================ inputs

    /**
     * At start: the kept state (null when there was none), and the shared properties of every shared
     * PID this node holds now. What it holds is a change made while the node was down only when it is
     * neither what it held at the previous start nor what the node's last change of it left: a file
     * edited while the node ran (a change then) is not one again, nor a file that was never edited
     * while the cluster moved on.
     */
    void restore(Json.State kept, Map<String, SortedMap<String, Value>> current) {
        final Map<String, SortedMap<String, Value>> keptBaselines = kept == null ? Map.of() : kept.baselines();
        final Map<String, SortedMap<String, Value>> keptLocals = kept == null ? Map.of() : kept.locals();
        for (Entry e : kept == null ? List.<Entry>of() : kept.entries()) {
            catalog.merge(e.pid(), e, (a, b) -> b.supersedes(a) ? b : a);
        }
        digest = null;
        keptLocals.forEach((pid, props) -> {
            if (policy.shares(pid)) {
                locals.put(pid, props);
            }
        });
        final Set<String> pids = new TreeSet<>(current.keySet());
        pids.addAll(keptBaselines.keySet());
        pids.addAll(catalog.keySet());
        for (String pid : pids) {
            if (!policy.shares(pid)) {
                continue;
            }
            final SortedMap<String, Value> now = current.get(pid);
            baselines.put(pid, now);
            local.put(pid, now);
            final boolean editedWhileDown = keptBaselines.containsKey(pid)
                    && !Objects.equals(keptBaselines.get(pid), now)
                    && !(keptLocals.containsKey(pid) && Objects.equals(keptLocals.get(pid), now));
            final Entry e = catalog.get(pid);
            if (matches(e, now)) {
                continue;
            }
            if (editedWhileDown) {
                change(pid, now);
            } else if (e != null) {
                write(e);
            }
        }
        keep();
    }

    /**
     * ConfigAdmin reports {@code pid} changed: {@code now} is what it holds (its shared properties, null
     * when deleted) with its {@code stamp}.
     */
    void localChanged(String pid, Written now) {
        if (!policy.shares(pid)) {
            return;
        }
        final Written mine = own.get(pid);
        if (mine != null && mine.stamp() == now.stamp() && Objects.equals(mine.props(), now.props())) {
            ownWrites++; // our own write, seen by the listener
            return;
        }
        own.remove(pid); // written since by someone else: a later event of the same stamp is theirs too
        unshareable.remove(pid);
        // Only an edit of a shared key is a change: a write that left them as they were (a secret set) is not, even
        // where they differ from the entry (values from this node's template that no change has shared yet, or an
        // entry this node could not apply), which it would otherwise send over the cluster's.
        final boolean edited = !Objects.equals(local.put(pid, now.props()), now.props());
        if (edited && !matches(catalog.get(pid), now.props())) {
            change(pid, now.props());
        }
    }

    /** A local configuration of a shared PID that cannot be shared (a bad type, too large): counted, nothing sent. */
    void localRefused(String pid, String why) {
        unshareable.add(pid);
        refusedLocal++;
        error(pid + ": not shared: " + why);
    }

    /** A peer's message that did not decode: counted. */
    void remoteRefused(NodeId from, String why) {
        refusedRemote++;
        error("a message from " + from.name() + " was refused: " + why);
    }

    void nodeUp(NodeId peer) {
        if (peer.name().equals(self) || !peers.add(peer)) {
            return;
        }
        effects.send(peer, new Msg.Catalog(true, catalog()));
    }

    void nodeDown(NodeId peer) {
        peers.remove(peer);
    }

    /** A message from an authenticated peer. */
    void onMessage(NodeId from, Msg msg) {
        if (!peers.contains(from)) {
            return; // not up (yet, or any more): it is told everything when it comes up
        }
        if (msg instanceof Msg.Catalog c) {
            onCatalog(from, c);
        } else if (!((Msg.Digest) msg).sha256().equals(digest())) {
            effects.send(from, new Msg.Catalog(true, catalog()));
        }
    }

    /** Takes what is newer; answers with what the sender has older, or lacks when it sent its whole catalog. */
    private void onCatalog(NodeId from, Msg.Catalog c) {
        final List<Entry> newer = new ArrayList<>();
        final Set<String> named = new HashSet<>();
        boolean changed = false;
        for (Entry e : c.entries()) {
            named.add(e.pid());
            final Entry mine = catalog.get(e.pid());
            if (e.supersedes(mine)) {
                if (mine == null && catalog.size() >= maxPids) {
                    refusedRemote++;
                    error(e.pid() + " from " + from.name() + " refused: the catalog holds max.pids " + maxPids);
                    continue;
                }
                catalog.put(e.pid(), e);
                digest = null;
                changed = true;
                if (policy.shares(e.pid()) && !matches(e, local.get(e.pid()))) {
                    remoteApplied++;
                    write(e);
                }
            } else if (mine.supersedes(e)) {
                newer.add(mine);
            }
        }
        if (c.whole()) {
            for (Entry mine : catalog.values()) {
                if (!named.contains(mine.pid())) {
                    newer.add(mine);
                }
            }
        }
        if (!newer.isEmpty()) {
            effects.send(from, new Msg.Catalog(false, newer));
        }
        if (changed) {
            keep();
        }
    }

    void tick() {
        final long now = clock.getAsLong();
        if (now >= nextGossip) {
            nextGossip = now + gossipIntervalMs;
            final Msg digest = new Msg.Digest(digest());
            for (NodeId p : peers) {
                effects.send(p, digest);
            }
        }
    }

    // ================================================================ views

    List<Entry> catalog() {
        return List.copyOf(catalog.values());
    }

    Entry entry(String pid) {
        return catalog.get(pid);
    }

    /**
     * True when this node holds what the PID's entry says (or there is none, or it does not share the
     * PID); false too while it holds a value that cannot be shared.
     */
    boolean applied(String pid) {
        final Entry e = catalog.get(pid);
        return e == null || !policy.shares(pid) || !unshareable.contains(pid) && matches(e, local.get(pid));
    }

    boolean shares(String pid) {
        return policy.shares(pid);
    }

    Set<String> peers() {
        final Set<String> names = new TreeSet<>();
        peers.forEach(p -> names.add(p.name()));
        return names;
    }

    Counts counts() {
        return new Counts(localChanges, remoteApplied, ownWrites, refusedLocal, refusedRemote);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    /** The SHA-256 of the catalog's encoding: equal catalogs, equal digests. Kept until the catalog changes. */
    String digest() {
        if (digest == null) {
            try {
                final MessageDigest md = MessageDigest.getInstance("SHA-256");
                digest = HexFormat.of().formatHex(md.digest(Json.encode(new Msg.Catalog(true, catalog()))));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
        return digest;
    }

    // ================================================================ changes

    /** A change made on this node: the next generation of the PID, to every peer. */
    private void change(String pid, SortedMap<String, Value> props) {
        final Entry current = catalog.get(pid);
        if (current == null && props == null) {
            return;
        }
        if (current == null && catalog.size() >= maxPids) {
            localRefused(pid, "the catalog holds max.pids " + maxPids + " PIDs, deleted ones included");
            return;
        }
        final Entry next = new Entry(pid, current == null ? 1 : current.generation() + 1, self, props == null,
                props == null ? new TreeMap<>() : props);
        catalog.put(pid, next);
        locals.put(pid, props);
        digest = null;
        localChanges++;
        for (NodeId p : peers) {
            effects.send(p, new Msg.Catalog(false, List.of(next)));
        }
        keep();
    }

    private void keep() {
        effects.stateChanged(new Json.State(catalog(), new TreeMap<>(baselines), new TreeMap<>(locals)));
    }

    private void write(Entry e) {
        final SortedMap<String, Value> props = e.deleted() ? null : shared(e);
        final Written w = effects.apply(e.pid(), props);
        if (w == null) {
            error(e.pid() + ": cannot apply generation " + e.generation() + " from " + e.origin());
            return;
        }
        unshareable.remove(e.pid());
        if (w.stamp() == NO_STAMP) {
            own.remove(e.pid()); // a deletion: what is absent is the entry, nothing to tell apart
        } else {
            own.put(e.pid(), w);
        }
        local.put(e.pid(), w.props());
    }

    /** The entry's properties this node takes: another node's idea of a secret never overwrites one here. */
    private SortedMap<String, Value> shared(Entry e) {
        final SortedMap<String, Value> out = new TreeMap<>();
        e.props().forEach((k, v) -> {
            if (!policy.local(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** This node holds what {@code e} says: nothing for none or a deleted PID, else its shared properties. */
    private boolean matches(Entry e, SortedMap<String, Value> held) {
        if (e == null || e.deleted()) {
            return held == null;
        }
        return shared(e).equals(held);
    }

    private void error(String text) {
        errors.addLast(java.time.Instant.ofEpochMilli(clock.getAsLong()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + " " + text);
        while (errors.size() > ERRORS_KEPT) {
            errors.pollFirst();
        }
    }
}

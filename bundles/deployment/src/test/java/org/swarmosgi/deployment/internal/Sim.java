package org.swarmosgi.deployment.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.swarmosgi.api.NodeId;

/**
 * A deterministic cluster of {@link DeploymentCore}s: the network, the fetches and the framework
 * operations are events in one pending list, run in an order the seed picks (so messages overtake
 * each other and outcomes come late), with a simulated clock. Each node's store and framework are
 * sets and maps, as the real ones would leave them.
 */
final class Sim {
    /** Bundles whose start fails (they do not resolve), by hash. */
    final Set<String> unresolvable = new HashSet<>();
    /** Hashes whose bytes arrive corrupted from any peer. */
    final Set<String> corrupted = new HashSet<>();
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final List<Runnable> pending = new ArrayList<>();
    final Random random;
    long now;
    /** Set when a node's catalog entry for a name went backwards in {@link Entry#ORDER}. */
    String regression;
    /** Every update of an installed bundle to other bytes, in the order they ran: "node bsn sha". */
    final List<String> updates = new ArrayList<>();
    /** Rolling upgrades: how long a node waits for the nodes before it (its core's {@code rollingWaitMs}). */
    static final long ROLLING_WAIT_MS = 30_000;
    private long incarnations;

    Sim(long seed) {
        this.random = new Random(seed);
    }

    final class Node {
        final NodeId id;
        final DeploymentCore core;
        final Set<String> store = new HashSet<>();
        /** The framework: symbolic name to (hash, active). */
        final Map<String, String> framework = new TreeMap<>();
        final Map<String, Boolean> active = new TreeMap<>();
        /** File and framework work, in order, as the deployment's one I/O thread runs it. */
        final java.util.ArrayDeque<Runnable> io = new java.util.ArrayDeque<>();
        final Set<String> importing = new HashSet<>();
        Set<String> needed = Set.of();
        boolean up;

        Node(String name) {
            this.id = new NodeId(name, ++incarnations);
            this.core = new DeploymentCore(name, new Effects(this), () -> now, 100, 1_000, 64, ROLLING_WAIT_MS);
        }

        /** This node deploys bytes it stored (as an import would). */
        Entry deploy(String bsn, String version, String sha) {
            // an import stores the bytes first, guarded from cleanups until those queued before the deploy ran
            store.add(sha);
            importing.add(sha);
            final Entry e = core.deploy(bsn, version, sha, 1000);
            io.add(() -> importing.remove(sha));
            check();
            return e;
        }

        void check() {
            for (Entry e : core.catalog()) {
                final Entry before = highest.get(id.name() + "/" + e.bsn());
                if (before != null && before.compareTo(e) > 0) {
                    regression = id.name() + " went from " + before + " to " + e;
                }
                highest.put(id.name() + "/" + e.bsn(), e);
            }
        }

        @Override
        public String toString() {
            return id.name();
        }
    }

    private final Map<String, Entry> highest = new HashMap<>();

    Node add(String name) {
        final Node n = new Node(name);
        nodes.put(name, n);
        return n;
    }

    /** {@code n} comes up: membership tells everyone up of it, and it of everyone up. */
    void up(Node n) {
        n.up = true;
        for (Node other : nodes.values()) {
            if (other != n && other.up) {
                other.core.nodeUp(n.id);
                n.core.nodeUp(other.id);
            }
        }
    }

    Node node(NodeId id) {
        for (Node n : nodes.values()) {
            if (n.id.equals(id)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no node " + id);
    }

    /** Runs one pending event, picked by the seed; false when none is pending. */
    boolean step() {
        final List<Node> busy = nodes.values().stream().filter(n -> !n.io.isEmpty()).toList();
        final int choices = pending.size() + busy.size();
        if (choices == 0) {
            return false;
        }
        final int pick = random.nextInt(choices);
        if (pick < pending.size()) {
            pending.remove(pick).run();
        } else {
            busy.get(pick - pending.size()).io.poll().run();
        }
        nodes.values().forEach(Node::check);
        return true;
    }

    boolean idle() {
        return pending.isEmpty() && nodes.values().stream().allMatch(n -> n.io.isEmpty());
    }

    /** Runs events and ticks (moving the clock) until nothing is pending, at most {@code rounds} ticks. */
    void settle(int rounds) {
        for (int i = 0; i < rounds; i++) {
            while (step()) {
                // drain
            }
            now += 250;
            for (Node n : nodes.values()) {
                if (n.up) {
                    n.core.tick();
                }
            }
            if (idle() && quiet()) {
                return;
            }
        }
    }

    /** Nothing under way: no node fetching or installing. */
    private boolean quiet() {
        for (Node n : nodes.values()) {
            for (Entry e : n.core.catalog()) {
                final Report r = n.core.report(e.bsn());
                if (r == null || r.state() == org.swarmosgi.api.deployment.Deployment.State.FETCHING
                        || r.state() == org.swarmosgi.api.deployment.Deployment.State.INSTALLING
                        || r.state() == org.swarmosgi.api.deployment.Deployment.State.WAITING) {
                    return false;
                }
            }
        }
        return true;
    }

    private final class Effects implements DeploymentCore.Effects {
        private final Node self;

        Effects(Node self) {
            this.self = self;
        }

        @Override
        public void send(NodeId to, Msg msg) {
            final byte[] bytes = Wire.encode(msg); // every message crosses the real codec
            pending.add(() -> {
                final Node target = node(to);
                if (target.up && self.up) {
                    target.core.onMessage(self.id, Wire.decode(java.nio.ByteBuffer.wrap(bytes), 64, 1 << 20));
                }
            });
        }

        @Override
        public void fetch(Entry entry, NodeId from) {
            pending.add(() -> self.io.add(() -> {
                final Node source = node(from);
                final String error = !source.up ? from.name() + " is down"
                        : !source.store.contains(entry.sha256()) ? "no bundle " + Hashes.shortly(entry.sha256()) + " there"
                        : corrupted.contains(entry.sha256()) ? "wrong SHA-256" : null;
                if (error == null) {
                    self.store.add(entry.sha256());
                }
                pending.add(() -> self.core.fetched(entry.sha256(), error));
            }));
        }

        @Override
        public void install(Entry entry) {
            self.io.add(() -> {
                final DeploymentCore.Outcome o;
                if (!self.store.contains(entry.sha256())) {
                    o = new DeploymentCore.Outcome(self.framework.get(entry.bsn()), false, "no bytes", true);
                } else {
                    final String before = self.framework.put(entry.bsn(), entry.sha256());
                    if (before != null && !before.equals(entry.sha256())) {
                        updates.add(self.id.name() + " " + entry.bsn() + " " + entry.sha256());
                    }
                    final boolean ok = !unresolvable.contains(entry.sha256());
                    self.active.put(entry.bsn(), ok);
                    o = new DeploymentCore.Outcome(entry.sha256(), ok,
                            ok ? "" : "cannot start " + entry.bsn() + ": unresolved requirement", false);
                }
                pending.add(() -> self.core.installed(entry.bsn(), entry.sha256(), o)); // back to the core, later
            });
        }

        @Override
        public void uninstall(String bsn) {
            self.io.add(() -> {
                self.framework.remove(bsn);
                self.active.remove(bsn);
                pending.add(() -> self.core.uninstalled(bsn, new DeploymentCore.Outcome(null, false, "", false)));
            });
        }

        @Override
        public void retain(Set<String> sha256s) {
            self.needed = sha256s;
            self.io.add(() -> { // the set of when it runs, as the component's volatile one
                final Set<String> gone = new HashSet<>();
                for (String sha : self.store) {
                    if (!self.needed.contains(sha) && !self.importing.contains(sha)) {
                        gone.add(sha);
                    }
                }
                self.store.removeAll(gone);
                if (!gone.isEmpty()) {
                    pending.add(() -> self.core.dropped(gone));
                }
            });
        }

        @Override
        public void catalogChanged(List<Entry> catalog) {
        }
    }

    static String sha(String text) {
        return Hashes.hex(Hashes.sha256().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}

package org.swarmosgi.clusterconfig.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.swarmosgi.api.NodeId;

/**
 * A deterministic cluster of {@link ConfigCore}s: messages and ConfigAdmin's listener events are events
 * in one pending list, run in an order the seed picks (messages overtake each other, a listener hears
 * of a write late, after later writes), some messages are lost, and partitions cut pairs of nodes (each
 * side's membership reports the other down). Each node's ConfigAdmin is a map of PIDs to properties,
 * secret keys included, with a change count; a node that restarts keeps its state file and starts from
 * its template configurations, as a distribution node does.
 */
final class Sim {
    static final Policy POLICY = new Policy(List.of("app.*"), List.of("*password*"));
    static final int MAX_PIDS = 16;

    final Map<String, Node> nodes = new LinkedHashMap<>();
    final List<Runnable> pending = new ArrayList<>();
    final Random random;
    /** Pairs of node names that cannot reach each other ("a|b", names sorted). */
    final Set<String> cut = new HashSet<>();
    /** Chance in 100 that a message is lost. */
    int lossPercent;
    long now;
    /** Set when a node's entry for a PID went backwards, or a message carried a secret. */
    String violation;
    /** The greatest entry of each PID any node ever held. */
    final Map<String, Entry> greatest = new HashMap<>();
    private final Map<String, Entry> highest = new HashMap<>();
    private long incarnations;

    Sim(long seed) {
        this.random = new Random(seed);
    }

    /** A configuration in a node's ConfigAdmin. */
    record Config(long changeCount, SortedMap<String, Value> props) {
    }

    final class Node {
        final String name;
        NodeId id;
        ConfigCore core;
        /** This node's ConfigAdmin. */
        final Map<String, Config> admin = new TreeMap<>();
        /** What its etc/ files make at start. */
        final Map<String, SortedMap<String, Value>> template = new TreeMap<>();
        /** Its state file. */
        Json.State kept;
        /** The secret each PID was last given on this node. */
        final Map<String, Value> secrets = new HashMap<>();
        boolean up;
        private long changeCounts;

        Node(String name) {
            this.name = name;
        }

        /** Starts (again): ConfigAdmin from the templates, the core from the state file. */
        void start() {
            admin.clear();
            template.forEach((pid, props) -> admin.put(pid, new Config(++changeCounts, props)));
            id = new NodeId(name, ++incarnations);
            core = new ConfigCore(name, new Effects(this), () -> now, POLICY, 1_000, MAX_PIDS);
            final Map<String, SortedMap<String, Value>> current = new TreeMap<>();
            admin.forEach((pid, c) -> current.put(pid, shared(c.props())));
            core.restore(kept == null ? null : Json.readState(Json.state(kept), new Json.Limits(MAX_PIDS, 65_536)),
                    current); // the state crosses the real codec too
            up(this);
        }

        /** Someone sets a key here (config:edit, an etc/ file, swarm:config set). */
        void set(String pid, String key, Value value) {
            final Config c = admin.get(pid);
            final SortedMap<String, Value> props = c == null ? new TreeMap<>() : new TreeMap<>(c.props());
            props.put(key, value);
            if (POLICY.local(key)) {
                secrets.put(pid, value);
            }
            write(pid, props);
        }

        /** Its etc/ file of {@code pid} is edited while it runs: FileInstall makes the configuration the file's. */
        void editFile(String pid, String key, Value value) {
            final SortedMap<String, Value> file = new TreeMap<>(template.getOrDefault(pid, new TreeMap<>()));
            file.put(key, value);
            template.put(pid, file);
            write(pid, file);
        }

        void delete(String pid) {
            if (admin.remove(pid) != null) {
                secrets.remove(pid);
                listen(pid);
            }
        }

        private void write(String pid, SortedMap<String, Value> props) {
            admin.put(pid, new Config(++changeCounts, props));
            listen(pid);
        }

        /** ConfigAdmin's event: delivered later; the listener reads what is there then. */
        private void listen(String pid) {
            final ConfigCore heard = core;
            pending.add(() -> {
                if (core == heard) { // not a core that stopped since
                    core.localChanged(pid, held(pid));
                }
            });
        }

        ConfigCore.Written held(String pid) {
            final Config c = admin.get(pid);
            return c == null ? new ConfigCore.Written(ConfigCore.NO_STAMP, null)
                    : new ConfigCore.Written(c.changeCount(), shared(c.props()));
        }

        void check() {
            for (Entry e : core.catalog()) {
                final Entry before = highest.get(name + "/" + e.pid());
                if (before != null && before.compareTo(e) > 0) {
                    violation = name + " went from " + before + " to " + e;
                }
                highest.put(name + "/" + e.pid(), e);
                greatest.merge(e.pid(), e, (a, b) -> b.supersedes(a) ? b : a);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static SortedMap<String, Value> shared(SortedMap<String, Value> props) {
        final SortedMap<String, Value> out = new TreeMap<>();
        props.forEach((k, v) -> {
            if (!POLICY.local(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    Node add(String name) {
        final Node n = new Node(name);
        nodes.put(name, n);
        return n;
    }

    private static String pair(Node a, Node b) {
        return a.name.compareTo(b.name) < 0 ? a.name + "|" + b.name : b.name + "|" + a.name;
    }

    boolean reach(Node a, Node b) {
        return a.up && b.up && !cut.contains(pair(a, b));
    }

    /** {@code n} comes up: membership tells everyone it reaches of it, and it of them. */
    void up(Node n) {
        n.up = true;
        for (Node other : nodes.values()) {
            if (other != n && reach(n, other)) {
                other.core.nodeUp(n.id);
                n.core.nodeUp(other.id);
            }
        }
    }

    /** {@code n} stops: its peers see it go. */
    void stop(Node n) {
        for (Node other : nodes.values()) {
            if (other != n && reach(n, other)) {
                other.core.nodeDown(n.id);
            }
        }
        n.up = false;
    }

    void partition(Node a, Node b) {
        if (a != b && reach(a, b)) {
            a.core.nodeDown(b.id);
            b.core.nodeDown(a.id);
        }
        cut.add(pair(a, b));
    }

    void heal() {
        final List<String> pairs = List.copyOf(cut);
        cut.clear();
        for (String p : pairs) {
            final Node a = nodes.get(p.substring(0, p.indexOf('|')));
            final Node b = nodes.get(p.substring(p.indexOf('|') + 1));
            if (reach(a, b)) {
                a.core.nodeUp(b.id);
                b.core.nodeUp(a.id);
            }
        }
    }

    /** Runs one pending event, picked by the seed; false when none is pending. */
    boolean step() {
        if (pending.isEmpty()) {
            return false;
        }
        pending.remove(random.nextInt(pending.size())).run();
        nodes.values().stream().filter(n -> n.core != null).forEach(Node::check);
        return true;
    }

    /** Runs events and ticks (moving the clock) until nothing is pending, {@code rounds} ticks at most. */
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
        }
        while (step()) {
            // drain
        }
    }

    private final class Effects implements ConfigCore.Effects {
        private final Node self;

        Effects(Node self) {
            this.self = self;
        }

        @Override
        public void send(NodeId to, Msg msg) {
            final byte[] bytes = Json.encode(msg); // every message crosses the real codec
            if (msg instanceof Msg.Catalog c) {
                for (Entry e : c.entries()) {
                    for (String key : e.props().keySet()) {
                        if (POLICY.local(key)) {
                            violation = self + " sent " + e.pid() + "'s local key " + key;
                        }
                    }
                }
            }
            if (random.nextInt(100) < lossPercent) {
                return;
            }
            final NodeId from = self.id;
            pending.add(() -> {
                final Node target = nodes.values().stream().filter(n -> to.equals(n.id)).findFirst().orElse(null);
                if (target != null && self.id.equals(from) && reach(self, target)) {
                    target.core.onMessage(from, Json.decode(bytes, new Json.Limits(MAX_PIDS, 65_536)));
                }
            });
        }

        @Override
        public ConfigCore.Written apply(String pid, SortedMap<String, Value> props) {
            final Config c = self.admin.get(pid);
            if (props == null) {
                self.admin.remove(pid);
                if (c != null) {
                    self.secrets.remove(pid);
                    self.listen(pid);
                }
                return self.held(pid);
            }
            final SortedMap<String, Value> next = new TreeMap<>(props);
            if (c != null) {
                c.props().forEach((k, v) -> {
                    if (POLICY.local(k)) {
                        next.put(k, v); // the node's own secrets stay
                    }
                });
            }
            self.write(pid, next);
            return self.held(pid);
        }

        @Override
        public void stateChanged(Json.State state) {
            self.kept = state;
        }
    }
}

package org.swarmosgi.benchmarks.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import org.swarmosgi.test.support.ChildJvm;
import org.swarmosgi.test.support.ChildProcess;
import org.swarmosgi.test.support.Processes;

/**
 * {@link BenchNode} JVMs of one benchmark cluster on loopback: start, kill, restart, and the lines
 * they print. Multicast: one group port held for the cluster. Unicast: each node binds port 0 and
 * reports it; every node is told the full seed list as nodes come; a restarted node comes back on
 * the port it had, so the others' seed lists stay right.
 */
final class BenchCluster implements AutoCloseable {

    private static final String GROUP = "230.0.0.251";
    private static final Pattern READY = Pattern.compile("^READY (\\d+)$");
    private static final Duration START = Duration.ofSeconds(60);
    /** Fine enough not to blur what the benchmarks time (they time with the nodes' own clocks). */
    private static final Duration POLL = Duration.ofMillis(5);

    /** One node JVM and what it printed. */
    static final class Node {
        final String name;
        final ChildProcess process;

        Node(String name, ChildProcess process) {
            this.name = name;
            this.process = process;
        }

        /** Names this node sees up now. */
        List<String> up() {
            final Map<String, Boolean> state = new HashMap<>();
            for (String line : process.lines()) {
                final String[] f = line.split(" ");
                if (f[0].equals("UP")) {
                    state.put(f[1], true);
                } else if (f[0].equals("DOWN")) {
                    state.put(f[1], false);
                }
            }
            final List<String> up = new ArrayList<>();
            state.forEach((k, v) -> {
                if (v) {
                    up.add(k);
                }
            });
            return up;
        }

        /** Lines starting with {@code prefix}. */
        List<String> linesStarting(String prefix) {
            return process.lines().stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    final String cluster = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    final String mode;
    final Node[] nodes;
    /** Unicast: each node's membership port once it has reported it (0 before its first start). */
    private final int[] ports;
    private final Processes processes = new Processes();
    private final int groupPort;

    BenchCluster(String mode, int size) {
        this.mode = mode;
        this.nodes = new Node[size];
        this.ports = new int[size];
        this.groupPort = multicast() ? processes.holdMulticastPort(GROUP) : 0;
    }

    private boolean multicast() {
        return mode.equals("multicast");
    }

    /** Starts node {@code i} (again, after a kill); unicast: returns once it reported its port. */
    void start(int i) {
        final String name = "n" + i;
        final ChildJvm jvm = ChildJvm.of(BenchNode.class).name(name).jvmFlags("-Xmx64m").quickStart()
                .args(name, cluster, mode, Integer.toString(multicast() ? groupPort : ports[i]));
        final String seeds = seeds();
        if (!multicast() && !seeds.isEmpty()) {
            jvm.args(seeds);
        }
        nodes[i] = new Node(name, processes.start(jvm));
        if (!multicast()) {
            ports[i] = Integer.parseInt(nodes[i].process.awaitMatch(READY, START).group(1));
            final String all = seeds();
            for (Node node : nodes) {
                if (node != null && node.process.alive()) {
                    node.process.send("seeds " + all + "\n");
                }
            }
        }
    }

    private String seeds() {
        final List<String> seeds = new ArrayList<>();
        for (int port : ports) {
            if (port != 0) {
                seeds.add("127.0.0.1:" + port);
            }
        }
        return String.join(",", seeds);
    }

    /** kill -9. */
    void kill(int i) {
        nodes[i].process.kill();
    }

    boolean converged() {
        for (Node node : nodes) {
            if (node == null || !node.process.alive() || node.up().size() != nodes.length - 1) {
                return false;
            }
        }
        return true;
    }

    /** Waits, polling every 5 ms, at most {@code timeoutMillis} for {@code condition}. */
    static void await(String what, long timeoutMillis, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofMillis(timeoutMillis)).pollDelay(Duration.ZERO).pollInterval(POLL)
                .until(condition);
    }

    /** A busy-loop JVM of this cluster's group, burning one core for {@code seconds}. */
    ChildProcess startBusyLoop(int seconds) {
        return processes.start(ChildJvm.of(BusyLoop.class).jvmFlags("-Xmx32m").args(Integer.toString(seconds)));
    }

    @Override
    public void close() {
        processes.close();
    }
}

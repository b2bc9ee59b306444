package org.swarmosgi.membership.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.swarmosgi.test.support.ChildJvm;
import org.swarmosgi.test.support.ChildProcess;
import org.swarmosgi.test.support.Processes;

/** A {@link TestNode} in a child JVM, read through the lines it prints (its protocol: see TestNode). */
final class NodeProcess {

    private static final Duration READY = Duration.ofSeconds(30);

    final String name;
    private final ChildProcess process;

    private NodeProcess(String name, ChildProcess process) {
        this.name = name;
        this.process = process;
    }

    /** Starts a node; {@code args} are TestNode's key=value arguments besides the name. */
    static NodeProcess start(Processes processes, String name, String... args) {
        return new NodeProcess(name, processes.start(ChildJvm.of(TestNode.class).name(name)
                .jvmFlags("-Xmx64m").quickStart().args("name=" + name).args(args)));
    }

    private static boolean isReady(String line) {
        return line.startsWith("READY ");
    }

    /** Waits until the node has bound its socket, then returns it. */
    NodeProcess awaitReady() {
        readyLine();
        return this;
    }

    /** {@code 127.0.0.1:<port>} of this node's membership socket. */
    String address() {
        return "127.0.0.1:" + port();
    }

    long incarnation() {
        return Long.parseLong(readyLine()[1]);
    }

    /** The membership port the node bound (port 0 given: the kernel's choice), as it reported it. */
    int port() {
        return Integer.parseInt(readyLine()[2]);
    }

    /**
     * The READY line, waited for: TestNode subscribes to events before it prints READY, so a node
     * can print UP lines (and be seen converged) a moment before its READY line.
     */
    private String[] readyLine() {
        return process.awaitLine(NodeProcess::isReady, READY).split(" ");
    }

    /** The UP/DOWN lines printed so far, in order. */
    List<String> events() {
        return process.lines().stream().filter(l -> l.startsWith("UP ") || l.startsWith("DOWN ")).toList();
    }

    /** Names this node sees up now (other than itself), replaying its events. */
    Set<String> upNames() {
        final Map<String, Long> up = new HashMap<>();
        for (String event : events()) {
            final String[] f = event.split(" ");
            if (f[0].equals("UP")) {
                up.put(f[1], Long.parseLong(f[2]));
            } else if (Long.valueOf(Long.parseLong(f[2])).equals(up.get(f[1]))) {
                up.remove(f[1]);
            }
        }
        return new TreeSet<>(up.keySet());
    }

    /** The value of one counter in the last STATS line printed; -1 until there is one. */
    long lastStat(String counter) {
        final List<String> lines = process.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            final String line = lines.get(i);
            if (line.startsWith("STATS ")) {
                for (String field : line.split(" ")) {
                    if (field.startsWith(counter + "=")) {
                        return Long.parseLong(field.substring(counter.length() + 1));
                    }
                }
            }
        }
        return -1;
    }

    void command(String command) {
        process.send(command + "\n");
    }

    void kill9() {
        process.kill();
    }

    void pause() {
        process.pause();
    }

    void resume() {
        process.resume();
    }

    boolean alive() {
        return process.alive();
    }
}

package org.swarmosgi.benchmarks.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.swarmosgi.test.support.ChildJvm;
import org.swarmosgi.test.support.ChildProcess;
import org.swarmosgi.test.support.JvmOptionsFile;
import org.swarmosgi.test.support.Processes;

/**
 * A {@link RegNode} in its own JVM, started through test-support and driven by one command line on
 * stdin and one answer line on stdout.
 */
final class NodeProcess implements AutoCloseable {
    /** The distribution's conf/jvm.options, which bin/swarm gives every node; --jvm options come after and win. */
    private static final List<String> NODE_DEFAULTS = jvmOptions();

    /** How long one answer may take: a sync of a million names, on a loaded machine. */
    private static final Duration ANSWER = Duration.ofMinutes(10);

    final String name;
    final int membershipPort;
    private final Processes processes = new Processes();
    private final ChildProcess process;
    private int read;
    /** The {@code UP} line's fields: name incarnation startedNs baselineHeap. */
    final String[] up;

    NodeProcess(String name, Path work, int membershipPort, List<Integer> seeds, String heap, List<String> jvmExtra) {
        this.name = name;
        this.membershipPort = membershipPort;
        final StringBuilder s = new StringBuilder();
        for (int p : seeds) {
            s.append(s.length() == 0 ? "" : ",").append(p);
        }
        // G1 unless the extra options choose a collector (the JVM refuses two)
        final boolean gcChosen = jvmExtra.stream().anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
        process = processes.start(ChildJvm.of(RegNode.class).name(name).aeron()
            .jvmFlags(NODE_DEFAULTS.toArray(new String[0]))
            .jvmFlags("-Xms" + heap, "-Xmx" + heap, "-Djava.util.logging.config.file=/dev/null")
            .jvmFlags(gcChosen ? new String[0] : new String[] {"-XX:+UseG1GC"})
            .jvmFlags(jvmExtra.toArray(new String[0]))
            .args(name, work.resolve(name).toString(), Integer.toString(membershipPort), s.toString())
            .stopLine("exit"));
        up = expect("UP ").split(" ");
    }

    /** The jvm.options resource: the distribution's file, copied into the benchmarks' jar (benchmarks/pom.xml). */
    private static List<String> jvmOptions() {
        try (InputStream in = NodeProcess.class.getResourceAsStream("jvm.options")) {
            if (in == null) {
                throw new IllegalStateException("jvm.options is missing from the benchmarks' jar (see benchmarks/pom.xml)");
            }
            return JvmOptionsFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code node1..node<nodes>} on the first {@code nodes} of {@code ports}, each seeded with the
     * others, and waits until every one sees them all.
     */
    static List<NodeProcess> startCluster(int nodes, Path work, List<Integer> ports, String heap, List<String> jvmExtra) {
        final List<NodeProcess> procs = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            final List<Integer> seeds = new ArrayList<>(ports.subList(0, nodes));
            seeds.remove(i);
            procs.add(new NodeProcess("node" + (i + 1), work, ports.get(i), seeds, heap, jvmExtra));
        }
        all(procs, "await " + nodes, "CLUSTER");
        return procs;
    }

    /** Sends {@code command} to every node, then collects each one's answer (starting with {@code prefix}). */
    static List<String> all(List<NodeProcess> procs, String command, String prefix) {
        for (NodeProcess p : procs) {
            p.send(command);
        }
        final List<String> answers = new ArrayList<>();
        for (NodeProcess p : procs) {
            answers.add(p.expect(prefix));
        }
        return answers;
    }

    /** Milliseconds the JIT compilers of {@code procs} have spent so far, summed. */
    static long jitMs(List<NodeProcess> procs) {
        long sum = 0;
        for (String a : all(procs, "jit", "JIT ")) {
            sum += Long.parseLong(a.split(" ")[1]);
        }
        return sum;
    }

    /**
     * Waits, up to {@code maxMs} (0: not at all), until the JIT compilers of {@code procs} are idle (under 20 ms of
     * compiling per node in a second): after a fill or warm-up their C2 threads still compile its paths for
     * seconds on 2 cores, taking the CPU what is measured next needs, which a cluster that has run for a while
     * would not. Prints how long it took, naming the nodes as {@code who}.
     */
    static void settleJit(List<NodeProcess> procs, long maxMs, String who) throws InterruptedException {
        if (maxMs <= 0) {
            return;
        }
        final long t0 = System.nanoTime();
        long before = jitMs(procs);
        while (System.nanoTime() - t0 < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(maxMs)) {
            Thread.sleep(1000);
            final long now = jitMs(procs);
            if (now - before < 20L * procs.size()) {
                System.out.printf("  %s JIT settled after %.1f s (%,d ms compiling in all)%n", who,
                    (System.nanoTime() - t0) / 1e9, now);
                return;
            }
            before = now;
        }
        System.out.printf("  %s JIT NOT settled after %d ms (%,d ms compiling in all)%n", who, maxMs, before);
    }

    /** A port for a node's membership socket (the node binds it at once). */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void send(String command) {
        process.send(command + "\n");
    }

    /** Sends a command and returns its answer line (which starts with {@code prefix}). */
    String ask(String command, String prefix) {
        send(command);
        return expect(prefix);
    }

    /** The next stdout line starting with {@code prefix}; an {@code ERROR} line first fails. */
    String expect(String prefix) {
        final int at = process.awaitIndex(read, l -> l.startsWith(prefix) || l.startsWith("ERROR"), ANSWER);
        final String line = process.lines().get(at);
        read = at + 1;
        if (line.startsWith("ERROR")) {
            throw new IllegalStateException(name + ": " + line);
        }
        return line;
    }

    /** SIGKILL (kill -9, {@code Process.destroyForcibly}); returns once the JVM is gone. */
    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        processes.close();
    }
}

package org.swarmosgi.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Starts Swarm nodes from the built distribution ({@code distribution/target/swarm}) as child
 * processes, each with {@code bin/swarm --non-interactive}: commands written to its stdin, results
 * read from its stdout. All nodes of one instance share a cluster name and a membership (gossip)
 * port chosen fresh, so concurrent tests never meet; each node has its own work folder.
 *
 * <p>Use in try-with-resources: {@link #close()} stops every node still running, by SIGTERM, then
 * forcibly after a bounded wait.
 */
public final class NodeProcesses implements AutoCloseable {

    private final Path distribution;
    private final Path workRoot;
    private final String cluster;
    private final int gossipPort;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final Thread killer = new Thread(this::killAll, "node-processes-killer");

    /**
     * @param workRoot a folder for the nodes' work folders (one per node name), e.g. under target/
     */
    public NodeProcesses(Path workRoot) {
        this.distribution = SwarmContainer.distribution();
        this.workRoot = workRoot.toAbsolutePath();
        this.cluster = "itest-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.gossipPort = freeUdpPort();
        Runtime.getRuntime().addShutdownHook(killer); // no orphan nodes, even when the test JVM dies
    }

    public String cluster() {
        return cluster;
    }

    public int gossipPort() {
        return gossipPort;
    }

    /**
     * Starts a node named {@code name} in this cluster. {@code flags} are further bin/swarm flags
     * (e.g. {@code --autocluster none}); a flag given twice takes its last value.
     */
    public NodeProcess start(String name, String... flags) {
        final Path work = workRoot.resolve(name);
        final List<String> command = new ArrayList<>(List.of(
                distribution.resolve("bin/swarm").toString(), "--non-interactive",
                "--name", name, "--cluster", cluster, "--gossip-port", Integer.toString(gossipPort),
                "--work", work.toString()));
        command.addAll(List.of(flags));
        final ProcessBuilder builder = new ProcessBuilder(command);
        // Only what this harness sets: SWARM_* variables of the calling shell would leak into the node.
        builder.environment().keySet().removeIf(key -> key.startsWith("SWARM_"));
        builder.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m");
        try {
            Files.createDirectories(work);
            final NodeProcess node = new NodeProcess(name, builder.start());
            synchronized (nodes) {
                nodes.add(node);
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
    }

    /**
     * Starts a node named {@code name} in this cluster through a wrapper command, e.g.
     * {@code ip netns exec <ns>} (it must exec the launcher, so that the process is the node's JVM).
     */
    public NodeProcess startWrapped(List<String> wrapper, String name, String... flags) {
        final Path work = workRoot.resolve(name);
        final List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(
                distribution.resolve("bin/swarm").toString(), "--non-interactive",
                "--name", name, "--cluster", cluster, "--gossip-port", Integer.toString(gossipPort),
                "--work", work.toString()));
        command.addAll(List.of(flags));
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(key -> key.startsWith("SWARM_"));
        builder.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m");
        try {
            Files.createDirectories(work);
            final NodeProcess node = new NodeProcess(name, builder.start());
            synchronized (nodes) {
                nodes.add(node);
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
    }

    /** Stops every node: SIGTERM, then SIGKILL for those still running after 10 s. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running
        }
    }

    private void killAll() {
        final List<NodeProcess> all;
        synchronized (nodes) {
            all = new ArrayList<>(nodes);
        }
        all.forEach(NodeProcess::terminate);
        for (NodeProcess node : all) {
            node.awaitExit(10, TimeUnit.SECONDS);
            node.kill();
        }
    }

    /** A UDP port free on loopback now. */
    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

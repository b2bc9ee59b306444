package org.swarmosgi.test.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Nodes started from a built distribution ({@code distribution/target/swarm}) as child processes,
 * as users start them: {@code bin/swarm --non-interactive}. All nodes of one instance share a fresh
 * cluster name and a membership (gossip) port of the default multicast group held for them (see
 * {@link HeldPort}), so concurrent tests never meet; each node has its own work folder. SWARM_*
 * variables of the calling shell are not passed on.
 *
 * <p>Use in try-with-resources: {@link #close()} stops every node still running (SIGTERM, then
 * SIGKILL after a bounded wait).
 */
public final class DistributionCluster implements AutoCloseable {

    /** The distribution's default multicast group (its {@code multicast.addr}). */
    private static final String GROUP = "230.0.0.251";

    private final Path distribution;
    private final Path workRoot;
    private final String cluster;
    private final Processes processes = new Processes();
    private final int gossipPort;
    private final List<DistributionNode> started = new ArrayList<>();

    /**
     * @param distribution the built distribution's folder (holding {@code bin/swarm})
     * @param workRoot     a folder for the nodes' work folders (one per node name), e.g. under target/
     */
    public DistributionCluster(Path distribution, Path workRoot) {
        this.distribution = distribution.toAbsolutePath();
        this.workRoot = workRoot.toAbsolutePath();
        this.cluster = "itest-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.gossipPort = processes.holdMulticastPort(GROUP);
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
    public DistributionNode start(String name, String... flags) {
        return start(List.of(), name, flags);
    }

    /**
     * Starts a node as {@link #start(String, String...)} does, its command prefixed by {@code wrapper}
     * (e.g. {@code ip netns exec ns1} to run it in a network namespace of the test's).
     */
    public DistributionNode start(List<String> wrapper, String name, String... flags) {
        final Path work = workRoot.resolve(name);
        final List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(
                distribution.resolve("bin/swarm").toString(), "--non-interactive",
                "--name", name, "--cluster", cluster, "--gossip-port", Integer.toString(gossipPort),
                "--work", work.toString(),
                // Nodes of a test never meet on the HTTP port: any free one, unless the flags name one.
                "--http-port", "0"));
        command.addAll(List.of(flags));
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(key -> key.startsWith("SWARM_"));
        builder.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m");
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final DistributionNode node = new DistributionNode(name, processes.start(name, builder, null, null));
        synchronized (started) {
            started.add(node);
        }
        return node;
    }

    /**
     * Stops every node, then writes each one's shell output and log to {@code <workRoot>/<name>.log} (characters
     * other than letters, digits and {@code -} as {@code _}; a name started twice keeps its last node's), for a
     * look after a failure.
     */
    @Override
    public void close() {
        processes.close();
        synchronized (started) {
            for (DistributionNode node : started) {
                try {
                    node.writeLog(workRoot);
                } catch (IOException e) {
                    System.err.println("could not keep the log of " + node.name() + " in " + workRoot + ": " + e);
                }
            }
        }
    }

    /**
     * A loopback TCP port free a moment ago, for a node's {@code --http-port} when the test must know the port
     * before the node starts (probed and released: another process could take it meanwhile, unlike
     * {@link HeldPort}; Jetty binds without SO_REUSEADDR, so the port cannot be held for it).
     */
    public static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.swarmosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;
import org.swarmosgi.test.support.JvmOptionsFile;

/** A node started from the built distribution, as a user starts it: bin/swarm. */
public class NodeProcessIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Path WORK = Path.of("target", "itest", "NodeProcessIT");

    @Test
    public void aNodeFromTheDistributionAnswersStatusAndStopsOnStop0() throws IOException {
        try (DistributionCluster nodes = new DistributionCluster(SwarmContainer.distribution(), WORK)) {
            final DistributionNode node = nodes.start("proc-alpha");

            final String status = node.execute("swarm:status", START);

            assertTrue(status, status.contains("Swarm node proc-alpha (incarnation "));
            assertTrue(status, status.contains("  cluster      " + nodes.cluster() + "\n"));
            assertTrue(status, status.contains("  autocluster  multicast\n"));
            assertTrue(status, status.contains("  bind         127.0.0.1\n"));
            assertTrue(status, status.contains("(this node)"));

            // The JVM runs with conf/jvm.options, then JAVA_OPTS (DistributionCluster's), so that JAVA_OPTS wins.
            final List<String> jvm = commandLine(node.process().pid());
            final List<String> defaults =
                    JvmOptionsFile.parse(Files.readString(SwarmContainer.distribution().resolve("conf/jvm.options")));
            assertFalse("conf/jvm.options has options", defaults.isEmpty());
            assertEquals(String.join(" ", jvm), defaults, jvm.subList(1, 1 + defaults.size()));
            assertEquals(String.join(" ", jvm), List.of("-XX:+UseSerialGC", "-Xmx256m"),
                    jvm.subList(1 + defaults.size(), 3 + defaults.size()));

            // Every bundle of the distribution is active: lb lists none Installed or Resolved.
            final String bundles = node.execute("lb", Duration.ofSeconds(10));
            final List<String> notActive = bundles.lines()
                    .filter(line -> line.matches("\\s*\\d+\\|.*"))
                    .filter(line -> !line.contains("|Active"))
                    .collect(Collectors.toList());
            assertEquals(bundles, List.of(), notActive);
            assertTrue(bundles, bundles.contains("|Swarm for OSGi :: Shell"));

            node.process().send("stop 0\n");
            assertTrue("the node stops on 'stop 0': " + node.process().describe(),
                    node.process().awaitExit(Duration.ofSeconds(20)));
            assertEquals(node.process().describe(), 0, node.process().exitValue());
        }
    }

    /** The arguments of a running process, from /proc (bin/swarm replaced itself by the JVM: same pid). */
    private static List<String> commandLine(long pid) throws IOException {
        final String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                StandardCharsets.UTF_8);
        return List.of(raw.split("\u0000"));
    }

    @Test
    public void twoNodesRunFromOneDistributionAndStopOnSigterm() {
        try (DistributionCluster nodes = new DistributionCluster(SwarmContainer.distribution(), WORK)) {
            final DistributionNode one = nodes.start("proc-one", "--autocluster", "none");
            final DistributionNode two = nodes.start("proc-two", "--autocluster", "none");

            assertTrue(one.execute("swarm:status", START).contains("Swarm node proc-one "));
            assertTrue(two.execute("swarm:status", START).contains("Swarm node proc-two "));

            one.process().terminate();
            assertTrue("the node stops on SIGTERM: " + one.process().describe(),
                    one.process().awaitExit(Duration.ofSeconds(20)));
            assertEquals(one.process().describe(), 143, one.process().exitValue()); // 128 + SIGTERM, after the shutdown hook
            // The other node is untouched.
            assertTrue(two.execute("swarm:status", Duration.ofSeconds(10)).contains("Swarm node proc-two "));
        }
    }
}

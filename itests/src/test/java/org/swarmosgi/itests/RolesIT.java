package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.Test;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;

/**
 * Node roles on node JVMs started from the built distribution: two nodes with {@code --roles edge}, one without. The
 * device example, deployed from the node without roles and configured there for the whole cluster to require
 * {@code edge} ({@code swarm:config set}), is offered only by the edge nodes; every node's {@code swarm:nodes} shows
 * each node's roles and types; devices registered from the node without roles all run on edge nodes.
 */
public class RolesIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    /** A folder per run: nodes keep their deployments in their work folders. */
    private static final Path WORK = Path.of("target", "itest", "RolesIT", Long.toString(System.currentTimeMillis()));
    private static final String SECRET = "itest-roles-secret-0123456789abcdef";
    private static final String DEVICE = "org.swarmosgi.examples.device";

    @Test
    public void workersOfATypeThatRequiresARoleRunOnlyOnNodesThatHaveIt() throws Exception {
        final Path device = SwarmContainer.deviceExample();
        try (DistributionCluster nodes = new DistributionCluster(SwarmContainer.distribution(), WORK)) {
            final DistributionNode edge1 = nodes.start("roles-edge-1", "--secret", SECRET, "--roles", "edge");
            final DistributionNode edge2 = nodes.start("roles-edge-2", "--secret", SECRET, "--roles", "edge,eu-west");
            final DistributionNode core = nodes.start("roles-core", "--secret", SECRET);
            final List<DistributionNode> all = List.of(edge1, edge2, core);
            for (DistributionNode n : all) {
                await("membership of 3 on " + n.name()).atMost(START).pollInterval(Duration.ofMillis(250))
                        .until(() -> n.execute("swarm:status", START).contains("membership   3 members"));
            }

            final String set = core.execute("swarm:config set " + DEVICE + " required.roles edge", START);
            assertTrue(set, set.startsWith("set " + DEVICE + " 1 keys: gen 1 by roles-core"));
            final String deployed = core.execute("swarm:deploy " + device, START);
            assertTrue(deployed, deployed.startsWith("deployed " + DEVICE + " "));

            // Every node sees the edge nodes offer device (with their roles), and the node without roles offer none.
            for (DistributionNode n : all) {
                final String[] last = {""};
                try {
                    await("roles and types as " + n.name() + " sees them").atMost(CONVERGE)
                            .pollInterval(Duration.ofMillis(250)).until(() -> {
                                last[0] = n.execute("swarm:nodes --json", START);
                                return offers(last[0], "roles-edge-1", "[\"edge\"]", true)
                                        && offers(last[0], "roles-edge-2", "[\"edge\",\"eu-west\"]", true)
                                        && offers(last[0], "roles-core", "[]", false);
                            });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("swarm:nodes --json on " + n.name() + ": " + last[0], e);
                }
            }

            // Devices registered from the node without roles run only where the role is.
            for (int i = 0; i < 12; i++) {
                final String name = "roles-dev-" + i;
                final String registered = core.execute("swarm:register " + name + " device 1000", START);
                assertTrue(registered, registered.startsWith("registered " + name + ": <roles-edge-"));
                for (DistributionNode n : all) {
                    final String[] where = {""};
                    await(name + " seen from " + n.name() + " (" + registered + ")").atMost(CONVERGE)
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> !(where[0] = n.execute("swarm:whereis " + name, START)).contains("not registered"));
                    assertTrue(name + " runs on an edge node, as " + n.name() + " sees it: " + where[0],
                            where[0].contains("roles-edge-1#") || where[0].contains("roles-edge-2#"));
                }
            }
        }
    }

    /**
     * True if the {@code swarm:nodes --json} output has {@code node} with exactly {@code roles} (a JSON array) and, as
     * {@code device} says, offering the device type or not.
     */
    private static boolean offers(String json, String node, String roles, boolean device) {
        for (String entry : json.split("\\{\"node\":\"")) {
            if (entry.startsWith(node + "\"")) {
                final int types = entry.indexOf("\"workerTypes\":[");
                return entry.contains("\"roles\":" + roles + ",") && types >= 0
                        && entry.substring(types, entry.indexOf(']', types) + 1).contains("\"device\"") == device;
            }
        }
        return false;
    }
}

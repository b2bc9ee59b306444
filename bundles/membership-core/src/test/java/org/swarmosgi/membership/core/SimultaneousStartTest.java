package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.swarmosgi.test.support.Processes;

/**
 * Five node JVMs started at the same moment must all converge (Swarm deadlocks here): every run
 * ends with every node seeing all five, by multicast and by static seeds. 20 runs each.
 */
class SimultaneousStartTest {

    private static final int NODES = 5;
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private final Processes processes = new Processes();
    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.close();
    }

    @RepeatedTest(20)
    void fiveNodesStartedAtOnceByMulticastAllSeeAllFive() throws Exception {
        assumeTrue(TestNetwork.loopbackMulticastWorks(),
                "needs multicast on loopback: joining " + TestNetwork.GROUP + " on lo and hearing our own datagram");
        final String cluster = TestNetwork.clusterName("simultaneous-mcast");
        final int port = processes.holdMulticastPort(TestNetwork.GROUP);
        for (int i = 0; i < NODES; i++) {
            nodes.add(NodeProcess.start(processes, "n" + i, "cluster=" + cluster, "mode=multicast", "port=" + port));
        }
        awaitConvergence();
    }

    @RepeatedTest(20)
    void fiveNodesGivenTheSameSeedListAtOnceAllSeeAllFive() throws Exception {
        final String cluster = TestNetwork.clusterName("simultaneous-static");
        // Kernel-chosen ports, so the seed list is known only once all are bound; then all at once.
        for (int i = 0; i < NODES; i++) {
            nodes.add(NodeProcess.start(processes, "n" + i, "cluster=" + cluster, "mode=unicast", "port=0"));
        }
        final String seeds = String.join(",", nodes.stream().map(n -> n.awaitReady().address()).toList());
        for (NodeProcess node : nodes) {
            node.command("seeds " + seeds);
        }
        awaitConvergence();
    }

    private void awaitConvergence() {
        await().atMost(CONVERGE).untilAsserted(() -> {
            for (NodeProcess node : nodes) {
                final Set<String> others = new TreeSet<>();
                nodes.stream().filter(n -> n != node).forEach(n -> others.add(n.name));
                assertThat(node.upNames()).as(node.name).isEqualTo(others);
            }
        });
    }
}

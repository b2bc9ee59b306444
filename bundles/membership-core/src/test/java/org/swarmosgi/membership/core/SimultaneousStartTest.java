package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Five node JVMs started at the same moment must all converge (Swarm deadlocks here): every run
 * ends with every node seeing all five, by multicast and by static seeds. 20 runs each.
 */
class SimultaneousStartTest {

    private static final int NODES = 5;
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (NodeProcess node : nodes) {
            node.close();
        }
    }

    @RepeatedTest(20)
    void fiveNodesStartedAtOnceByMulticastAllSeeAllFive() throws Exception {
        final String cluster = TestNetwork.clusterName("simultaneous-mcast");
        final int port = TestNetwork.freeUdpPort();
        for (int i = 0; i < NODES; i++) {
            nodes.add(NodeProcess.start("n" + i, "cluster=" + cluster, "mode=multicast", "port=" + port));
        }
        awaitConvergence();
    }

    @RepeatedTest(20)
    void fiveNodesStartedAtOnceWithTheSameSeedListAllSeeAllFive() throws Exception {
        final String cluster = TestNetwork.clusterName("simultaneous-static");
        final int[] ports = new int[NODES];
        final List<String> seeds = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            ports[i] = TestNetwork.freeUdpPort();
            seeds.add("127.0.0.1:" + ports[i]);
        }
        for (int i = 0; i < NODES; i++) {
            nodes.add(NodeProcess.start("n" + i, "cluster=" + cluster, "mode=unicast", "port=" + ports[i],
                    "seeds=" + String.join(",", seeds)));
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

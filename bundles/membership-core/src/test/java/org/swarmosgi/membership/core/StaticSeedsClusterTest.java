package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swarmosgi.test.support.Processes;

/** Node JVMs heartbeating by unicast to a seed list: the static strategy's mode. */
class StaticSeedsClusterTest {

    private static final Duration START = Duration.ofSeconds(30);

    private final Processes processes = new Processes();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final String cluster = TestNetwork.clusterName("static");

    @AfterEach
    void stopAll() {
        processes.close();
    }

    private NodeProcess start(String name, int port, String seeds, String... extra) throws Exception {
        final List<String> args = new ArrayList<>(List.of("cluster=" + cluster, "mode=unicast", "port=" + port));
        if (seeds != null) {
            args.add("seeds=" + seeds);
        }
        args.addAll(List.of(extra));
        final NodeProcess node = NodeProcess.start(processes, name, args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    private static void awaitEveryoneSees(List<NodeProcess> group, Duration within) {
        await().atMost(within).untilAsserted(() -> {
            for (NodeProcess node : group) {
                final Set<String> others = new TreeSet<>();
                group.stream().filter(n -> n != node).forEach(n -> others.add(n.name));
                assertThat(node.upNames()).as(node.name).isEqualTo(others);
            }
        });
    }

    /** Starts nodes on kernel-chosen ports, then gives each the list of all of them. */
    private List<NodeProcess> startSeeded(String[] names, String... extra) throws Exception {
        final List<NodeProcess> started = new ArrayList<>();
        for (String name : names) {
            started.add(start(name, 0, null, extra));
        }
        final String seeds = String.join(",", started.stream().map(n -> n.awaitReady().address()).toList());
        for (NodeProcess node : started) {
            node.command("seeds " + seeds);
        }
        return started;
    }

    @Test
    void nodesThatKnowOnlyOneSeedFindEachOtherThroughIt() throws Exception {
        final String seed = start("seed", 0, null).awaitReady().address();
        for (int i = 1; i <= 3; i++) {
            start("n" + i, 0, seed); // any free port: nobody knows it but through heartbeats and gossip
        }
        awaitEveryoneSees(nodes, START);
    }

    @Test
    void killMinus9IsSeenDown_andTheRestartedNodeReplacesItsOldSelf() throws Exception {
        final List<NodeProcess> three = startSeeded(new String[] {"n0", "n1", "n2"});
        final NodeProcess n0 = three.get(0);
        final NodeProcess n1 = three.get(1);
        final NodeProcess n2 = three.get(2);
        awaitEveryoneSees(List.of(n0, n1, n2), START);
        final long old = n2.incarnation();

        n2.kill9();
        await().atMost(TestNetwork.DETECTION_BOUND).untilAsserted(() -> {
            assertThat(n0.upNames()).containsExactly("n1");
            assertThat(n1.upNames()).containsExactly("n0");
        });
        // Back on another port, knowing the two others: they admit it and heartbeat it back.
        final NodeProcess again = start("n2", 0, n0.address() + "," + n1.address());
        awaitEveryoneSees(List.of(n0, n1, again), START);
        assertThat(again.incarnation()).isGreaterThan(old);
        for (NodeProcess observer : List.of(n0, n1)) {
            assertThat(observer.events().stream().filter(e -> e.split(" ")[1].equals("n2")).toList())
                    .as(observer.name)
                    .containsExactly("UP n2 " + old, "DOWN n2 " + old + " FAILED", "UP n2 " + again.incarnation());
        }
    }

    @Test
    void aSeedWithTheWrongSecretIsNeverAdmitted() throws Exception {
        final NodeProcess n0 = startSeeded(new String[] {"n0"}, "secret=right").get(0);
        final NodeProcess n1 = start("n1", 0, n0.address(), "secret=right");
        final NodeProcess stranger = start("x", 0, n0.address() + "," + n1.awaitReady().address(), "secret=wrong");
        n0.command("seeds " + n1.address() + "," + stranger.awaitReady().address());
        awaitEveryoneSees(List.of(n0, n1), START);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (NodeProcess node : List.of(n0, n1, stranger)) {
                node.command("stats");
            }
            return n0.lastStat("REFUSED_BAD_MAC") >= 20 && n1.lastStat("REFUSED_BAD_MAC") >= 20
                    && stranger.lastStat("REFUSED_BAD_MAC") >= 40;
        });
        assertThat(n0.events()).noneMatch(e -> e.contains(" x "));
        assertThat(n1.events()).noneMatch(e -> e.contains(" x "));
        assertThat(stranger.events()).isEmpty();
    }
}

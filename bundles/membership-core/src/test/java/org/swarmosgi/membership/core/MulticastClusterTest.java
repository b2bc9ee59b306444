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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.swarmosgi.test.support.Processes;

/** Node JVMs finding each other by multicast on loopback, and the faults they must survive. */
class MulticastClusterTest {

    private static final Duration START = Duration.ofSeconds(30);

    private final Processes processes = new Processes();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final String cluster = TestNetwork.clusterName("mcast");
    private int port;

    @BeforeEach
    void holdAPort() {
        assumeTrue(TestNetwork.loopbackMulticastWorks(),
                "needs multicast on loopback: joining " + TestNetwork.GROUP + " on lo and hearing our own datagram");
        port = processes.holdMulticastPort(TestNetwork.GROUP);
    }

    @AfterEach
    void stopAll() {
        processes.close();
    }

    private NodeProcess start(String name, String... extra) throws Exception {
        final List<String> args = new ArrayList<>(List.of("cluster=" + cluster, "mode=multicast", "port=" + port));
        args.addAll(List.of(extra));
        final NodeProcess node = NodeProcess.start(processes, name, args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    private static Set<String> othersThan(Set<String> all, String name) {
        final Set<String> others = new TreeSet<>(all);
        others.remove(name);
        return others;
    }

    private void awaitEveryoneSees(List<NodeProcess> group, Duration within) {
        final Set<String> names = new TreeSet<>();
        group.forEach(n -> names.add(n.name));
        await().atMost(within).untilAsserted(() -> {
            for (NodeProcess node : group) {
                assertThat(node.upNames()).as(node.name).isEqualTo(othersThan(names, node.name));
            }
        });
    }

    @Test
    void fiveNodesFindEachOther_andOneThatLeavesIsRemovedAtOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            start("n" + i);
        }
        awaitEveryoneSees(nodes, START);

        nodes.get(4).command("leave");
        await().atMost(Duration.ofSeconds(10)).until(() -> !nodes.get(4).alive());
        final List<NodeProcess> rest = nodes.subList(0, 4);
        // LEAVE is immediate: well inside the detector's bound, and the reason says so.
        awaitEveryoneSees(rest, Duration.ofMillis(500));
        for (NodeProcess node : rest) {
            assertThat(node.events()).last().asString().startsWith("DOWN n4 ").endsWith(" LEFT");
        }
    }

    /** The UP/DOWN lines about {@code name} that {@code observer} printed, in order. */
    private static List<String> eventsAbout(NodeProcess observer, String name) {
        return observer.events().stream().filter(e -> e.split(" ")[1].equals(name)).toList();
    }

    /**
     * Waits until {@code observer} has received {@code more} further datagrams: proof that time and
     * traffic passed, so that "nothing else happened" is a checked statement, not a sleep.
     */
    private static void awaitMoreTraffic(NodeProcess observer, long more) throws Exception {
        observer.command("stats");
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.lastStat("RECEIVED") >= 0);
        final long from = observer.lastStat("RECEIVED");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            observer.command("stats");
            return observer.lastStat("RECEIVED") >= from + more;
        });
    }

    @Test
    void killMinus9IsSeenDownByAll_andTheRestartedNodeComesUpAsANewIncarnation() throws Exception {
        final NodeProcess n0 = start("n0");
        final NodeProcess n1 = start("n1");
        final NodeProcess n2 = start("n2");
        awaitEveryoneSees(List.of(n0, n1, n2), START);
        final long old = n2.incarnation();

        n2.kill9();
        await().atMost(TestNetwork.DETECTION_BOUND).untilAsserted(() -> {
            assertThat(n0.upNames()).containsExactly("n1");
            assertThat(n1.upNames()).containsExactly("n0");
        });

        final NodeProcess again = start("n2");
        awaitEveryoneSees(List.of(n0, n1, again), START);
        final long fresh = again.incarnation();
        for (NodeProcess observer : List.of(n0, n1)) {
            assertThat(eventsAbout(observer, "n2")).as(observer.name)
                    .containsExactly("UP n2 " + old, "DOWN n2 " + old + " FAILED", "UP n2 " + fresh);
        }
    }

    @Test
    void aNodeRestartedBeforeItIsDetected_replacesItsOldSelf_neverBothUp() throws Exception {
        final NodeProcess n0 = start("n0");
        final NodeProcess n1 = start("n1");
        final NodeProcess n2 = start("n2");
        awaitEveryoneSees(List.of(n0, n1, n2), START);
        final long old = n2.incarnation();

        n2.kill9();
        final NodeProcess again = start("n2");
        awaitEveryoneSees(List.of(n0, n1, again), START);
        final long fresh = again.incarnation();
        for (NodeProcess observer : List.of(n0, n1)) {
            // Down before up: the old one is gone before the new one is announced. "failed" if the
            // new JVM took longer to start than the detector took to notice.
            assertThat(eventsAbout(observer, "n2")).as(observer.name).hasSize(3)
                    .startsWith("UP n2 " + old).endsWith("UP n2 " + fresh)
                    .element(1).asString().matches("DOWN n2 " + old + " (REPLACED|FAILED)");
        }
    }

    @Test
    void aNodePausedPastTheBoundIsDown_andOnResumeComesBackOnce() throws Exception {
        final NodeProcess n0 = start("n0");
        final NodeProcess n1 = start("n1");
        final NodeProcess n2 = start("n2");
        awaitEveryoneSees(List.of(n0, n1, n2), START);
        final long inc = n2.incarnation();

        n2.pause();
        await().atMost(TestNetwork.DETECTION_BOUND).untilAsserted(() -> {
            assertThat(n0.upNames()).containsExactly("n1");
            assertThat(n1.upNames()).containsExactly("n0");
        });
        n2.resume();
        awaitEveryoneSees(List.of(n0, n1, n2), START);
        awaitMoreTraffic(n0, 40);

        for (NodeProcess observer : List.of(n0, n1)) {
            assertThat(eventsAbout(observer, "n2")).as(observer.name)
                    .containsExactly("UP n2 " + inc, "DOWN n2 " + inc + " FAILED", "UP n2 " + inc);
        }
        // The paused node drains the heartbeats queued while it slept before judging: no false downs.
        assertThat(n2.events()).noneMatch(e -> e.startsWith("DOWN "));
    }

    @Test
    void aNodeWithTheWrongSecretIsNeverAdmitted() throws Exception {
        final NodeProcess n0 = start("n0", "secret=right");
        final NodeProcess n1 = start("n1", "secret=right");
        final NodeProcess stranger = start("x", "secret=wrong");
        awaitEveryoneSees(List.of(n0, n1), START);

        // Every side has refused a good number of the other side's heartbeats for their MAC.
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
        assertThat(n0.upNames()).containsExactly("n1");
    }
}

package org.swarmosgi.membership.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.membership.core.Counter;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.Timing;
import org.swarmosgi.membership.kubernetes.internal.PodsApiServer.TestPod;

/**
 * End to end on loopback: real membership engines on 127.0.0.2, .3, ... (one per "pod", all on one
 * UDP port as pods would be) find each other through the HTTPS pods API, admit only listed pods
 * under their {@code <basename>@<ip>} names, and drop a pod that is deleted.
 */
class KubernetesDiscoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    private ApiFixture api;
    private int port;
    private final String cluster = "k8s-test-" + Long.toHexString(RANDOM.nextLong());
    private final byte[] key = new byte[32];
    private final List<KubernetesDiscovery> nodes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(bindable("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"),
                "needs 127.0.0.2 to 127.0.0.6 on loopback (Linux routes 127/8 to lo; elsewhere add aliases)");
        api = new ApiFixture(dir);
        RANDOM.nextBytes(key);
    }

    /** Whether a UDP socket binds on each address (any port). */
    private static boolean bindable(String... addresses) {
        for (String address : addresses) {
            try (DatagramChannel probe = DatagramChannel.open()) {
                probe.bind(new InetSocketAddress(address, 0));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    @AfterEach
    void stop() {
        nodes.forEach(KubernetesDiscovery::close);
        api.close();
    }

    /**
     * Starts a node. Pods share one port: the first node binds port 0 and the kernel's pick becomes
     * everyone's, so no port is probed free and released.
     */
    private KubernetesDiscovery node(String ip, String name) throws IOException {
        // Time-ordered, as NodeIdentity makes them: start ms, shifted, and 16 random bits.
        final long incarnation = System.currentTimeMillis() << 16 | RANDOM.nextInt(1 << 16);
        final EngineConfig config = new EngineConfig(cluster, new NodeId(name, incarnation),
                new Endpoint(ip, 40_000), key, Timing.DEFAULTS);
        final KubernetesDiscovery node = KubernetesDiscovery.start(api.settings(Map.of("port", port == 0 ? 1 : port)),
                config, new InetSocketAddress(ip, port), InetAddress.getByName(ip));
        nodes.add(node);
        port = node.engine().localAddress().getPort();
        return node;
    }

    private KubernetesDiscovery pod(String ip) throws IOException {
        return node(ip, "swarm@" + ip);
    }

    private static List<String> names(KubernetesDiscovery node) {
        return node.engine().members().stream().map(m -> m.id().name()).sorted().toList();
    }

    @Test
    void listedPodsBecomeMembersAndADeletedPodIsDropped() throws Exception {
        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"), TestPod.running("swarm-1", "127.0.0.3"),
                TestPod.running("swarm-2", "127.0.0.4"));
        final KubernetesDiscovery a = pod("127.0.0.2");
        final KubernetesDiscovery b = pod("127.0.0.3");
        final KubernetesDiscovery c = pod("127.0.0.4");
        final List<String> all = List.of("swarm@127.0.0.2", "swarm@127.0.0.3", "swarm@127.0.0.4");

        await().atMost(WAIT).until(() -> names(a).equals(all) && names(b).equals(all) && names(c).equals(all));
        assertThat(a.engine().members()).filteredOn(m -> m.id().name().equals("swarm@127.0.0.3"))
                .extracting(Member::endpoint).containsExactly(new Endpoint("127.0.0.3", 40_000));

        final List<String> downs = new CopyOnWriteArrayList<>();
        a.engine().subscribe(new MembershipListener() {
            @Override
            public void memberUp(Member member) {
            }

            @Override
            public void memberDown(Member member, DownReason reason) {
                downs.add(member.id().name() + " " + reason);
            }
        });
        // The pod is deleted: gone from the list, and its node stops (and says so).
        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"), TestPod.running("swarm-1", "127.0.0.3"));
        nodes.remove(c);
        c.close();

        final List<String> two = List.of("swarm@127.0.0.2", "swarm@127.0.0.3");
        await().atMost(WAIT).until(() -> names(a).equals(two) && names(b).equals(two));
        // Down once: by its LEAVE, or by the poll that no longer lists it, whichever comes first.
        assertThat(downs).hasSize(1).first().isIn("swarm@127.0.0.4 LEFT", "swarm@127.0.0.4 EVICTED");
    }

    @Test
    void aPodThatLeavesTheListIsDroppedWhileItsNodeStillRuns() throws Exception {
        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"), TestPod.running("swarm-1", "127.0.0.3"));
        final KubernetesDiscovery a = pod("127.0.0.2");
        final KubernetesDiscovery b = pod("127.0.0.3");
        final List<String> two = List.of("swarm@127.0.0.2", "swarm@127.0.0.3");
        await().atMost(WAIT).until(() -> names(a).equals(two) && names(b).equals(two));

        // Readiness lost or label changed: the pod is no longer listed, but its node keeps heartbeating.
        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"));
        await().atMost(WAIT).until(() -> names(a).equals(List.of("swarm@127.0.0.2")));
        final long refusedBefore = a.engine().count(Counter.REFUSED_NOT_ADMITTED);
        await().atMost(WAIT).until(() -> a.engine().count(Counter.REFUSED_NOT_ADMITTED) > refusedBefore);
        assertThat(names(a)).containsExactly("swarm@127.0.0.2");

        // Listed again: back in.
        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"), TestPod.running("swarm-1", "127.0.0.3"));
        await().atMost(WAIT).until(() -> names(a).equals(two));
    }

    /** Records the down events a node hears, as "name REASON". */
    private static List<String> downs(KubernetesDiscovery node) {
        final List<String> downs = new CopyOnWriteArrayList<>();
        node.engine().subscribe(new MembershipListener() {
            @Override
            public void memberUp(Member member) {
            }

            @Override
            public void memberDown(Member member, DownReason reason) {
                downs.add(member.id().name() + " " + reason);
            }
        });
        return downs;
    }

    /**
     * kubectl delete pod: the pod stays listed, Running, with a deletionTimestamp while its node drains
     * (SIGTERM), and the kubelet soon reports it not Ready. Its node must stay a member until it has
     * handed its workers off and sends LEAVE: dropping it then would cut the handoffs off.
     */
    @Test
    void aMemberWhosePodIsBeingDeletedStaysUntilItLeavesReadyOrNot() throws Exception {
        final TestPod p0 = TestPod.running("swarm-0", "127.0.0.2");
        final TestPod p1 = TestPod.running("swarm-1", "127.0.0.3");
        final TestPod p2 = TestPod.running("swarm-2", "127.0.0.4");
        api.server.pods(p0, p1, p2);
        final KubernetesDiscovery a = pod("127.0.0.2");
        final KubernetesDiscovery b = pod("127.0.0.3");
        final KubernetesDiscovery c = pod("127.0.0.4");
        final List<String> all = List.of("swarm@127.0.0.2", "swarm@127.0.0.3", "swarm@127.0.0.4");
        await().atMost(WAIT).until(() -> names(a).equals(all) && names(b).equals(all));
        final List<String> downs = downs(a);

        api.server.pods(p0, p1, p2.deleted().notReady());
        final int polls = api.server.requestCount();
        await().atMost(WAIT).until(() -> api.server.requestCount() >= polls + 6); // every node polled twice since
        assertThat(names(a)).isEqualTo(all);
        assertThat(names(b)).isEqualTo(all);
        assertThat(downs).isEmpty();

        nodes.remove(c);
        c.close(); // drained: LEAVE
        final List<String> two = List.of("swarm@127.0.0.2", "swarm@127.0.0.3");
        await().atMost(WAIT).until(() -> names(a).equals(two) && names(b).equals(two));
        assertThat(downs).containsExactly("swarm@127.0.0.4 LEFT");
    }

    /** Whatever runs in a pod being deleted never joins: it would take workers only to hand them back. */
    @Test
    void aPodBeingDeletedIsNotAdmittedAnew() throws Exception {
        final TestPod p0 = TestPod.running("swarm-0", "127.0.0.2");
        final TestPod p1 = TestPod.running("swarm-1", "127.0.0.3");
        api.server.pods(p0, p1, TestPod.running("swarm-2", "127.0.0.4").deleted());
        final KubernetesDiscovery a = pod("127.0.0.2");
        final KubernetesDiscovery b = pod("127.0.0.3");
        final KubernetesDiscovery c = pod("127.0.0.4");
        final List<String> two = List.of("swarm@127.0.0.2", "swarm@127.0.0.3");

        await().atMost(WAIT).until(() -> names(a).equals(two) && names(b).equals(two)
                && a.engine().count(Counter.REFUSED_NOT_ADMITTED) >= 3 && b.engine().count(Counter.REFUSED_NOT_ADMITTED) >= 3);
        assertThat(names(a)).doesNotContain("swarm@127.0.0.4");
        assertThat(names(c)).as("it still admits the others: the refusal is theirs").isEqualTo(
                List.of("swarm@127.0.0.2", "swarm@127.0.0.3", "swarm@127.0.0.4"));
    }

    @Test
    void onlyListedPodsUnderTheirOwnNameAreAdmitted() throws Exception {
        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"), TestPod.running("swarm-1", "127.0.0.3"));
        final KubernetesDiscovery a = pod("127.0.0.2");
        final KubernetesDiscovery b = pod("127.0.0.3");
        // Hold the cluster key, but are not (yet) listed pods, or announce another name.
        final KubernetesDiscovery stranger = pod("127.0.0.5");
        final KubernetesDiscovery misnamed = node("127.0.0.6", "other@127.0.0.6");
        final List<String> two = List.of("swarm@127.0.0.2", "swarm@127.0.0.3");

        await().atMost(WAIT).until(() -> names(a).equals(two) && names(b).equals(two)
                && a.engine().count(Counter.REFUSED_NOT_ADMITTED) >= 3);
        assertThat(names(stranger)).containsExactly("swarm@127.0.0.5");

        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"), TestPod.running("swarm-1", "127.0.0.3"),
                TestPod.running("swarm-5", "127.0.0.5"), TestPod.running("swarm-6", "127.0.0.6"));

        final List<String> three = List.of("swarm@127.0.0.2", "swarm@127.0.0.3", "swarm@127.0.0.5");
        await().atMost(WAIT).until(() -> names(a).equals(three) && names(b).equals(three)
                && names(stranger).equals(three));
        final long refusedBefore = a.engine().count(Counter.REFUSED_NOT_ADMITTED);
        await().atMost(WAIT).until(() -> a.engine().count(Counter.REFUSED_NOT_ADMITTED) > refusedBefore);
        assertThat(names(a)).doesNotContain("other@127.0.0.6");
        assertThat(names(b)).doesNotContain("other@127.0.0.6");
        // It admits the listed pods itself (they are named right); only its own name keeps it out.
        final List<String> seenByMisnamed = List.of("other@127.0.0.6", "swarm@127.0.0.2", "swarm@127.0.0.3",
                "swarm@127.0.0.5");
        await().atMost(WAIT).until(() -> names(misnamed).equals(seenByMisnamed));
    }

    @Test
    void failedPollsKeepTheMembers() throws Exception {
        api.server.pods(TestPod.running("swarm-0", "127.0.0.2"), TestPod.running("swarm-1", "127.0.0.3"));
        final KubernetesDiscovery a = pod("127.0.0.2");
        final KubernetesDiscovery b = pod("127.0.0.3");
        final List<String> two = List.of("swarm@127.0.0.2", "swarm@127.0.0.3");
        await().atMost(WAIT).until(() -> names(a).equals(two) && names(b).equals(two));

        api.server.answer(503, "");
        final int polls = api.server.requestCount();
        await().atMost(WAIT).until(() -> api.server.requestCount() >= polls + 10);

        assertThat(names(a)).isEqualTo(two);
        assertThat(names(b)).isEqualTo(two);
    }
}

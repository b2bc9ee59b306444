package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.swarmosgi.test.support.DistributionNode.awaitRing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.After;
import org.junit.Test;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;

/**
 * Workers follow the topology, on node JVMs from the built distribution: 200 counters over three
 * nodes, each counted up to its own value; a fourth node joins and about a quarter of them move to it,
 * resuming their counts (the counter answers beginHandoff with resume), while numbered casts streamed to
 * 20 more counters arrive every one, in order, moving or not; then that node is killed with
 * -9 and its counters run again on the others from their replicated checkpoints, counts kept; last a
 * node is stopped with SIGTERM right after every count changed, and hands its counters off, counts exact;
 * a fifth node joins and leaves three times (SIGTERM, kill -9, stop 0), its counters coming and going;
 * and the counter bundle stopped on one node alone hands that node's counters to the other, counts kept.
 * Crashes in the middle of moves and failovers (the target killed while handoffs run, two failovers in a
 * row) are {@link FailoverDuringMovesIT}'s.
 */
public class WorkerMovesIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "itest", "WorkerMovesIT");
    private static final String SECRET = "itest-moves-secret-0123456789abcd";
    private static final int NAMES = 200;
    private static final Pattern REGISTERED = Pattern.compile("^registered (\\S+): (<\\S+>)$");

    private DistributionCluster processes;

    @After
    public void stop() {
        if (processes != null) {
            processes.close(); // keeps each node's log and shell output beside its work folder
        }
    }

    private DistributionNode start(String name) {
        final DistributionNode node = processes.start(name, "--secret", SECRET);
        node.execute("swarm:status", START);
        return node;
    }

    /** Every counter answers its own count (counter i: i + incs), asked from {@code node}. */
    private static void awaitCounts(DistributionNode node, List<String> names, int incs) {
        final List<String> expected = IntStream.range(0, NAMES).mapToObj(i -> Integer.toString(i + incs)).toList();
        await("every counter's count, asked on " + node.name()).atMost(CONVERGE.multipliedBy(2)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertEquals(expected, List.of(RegistryClusterIT.all(node,
                names.stream().map(n -> "swarm:call " + n + " get").toList(), ANSWER).split("\n"))));
    }

    @Test
    public void countersMoveToAJoiningNodeWithTheirCounts_comeBackFromCheckpointsAfterAKill_andAreHandedOffOnSigterm() {
        processes = new DistributionCluster(SwarmContainer.distribution(), WORK);
        final List<DistributionNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            nodes.add(start("mv" + i));
        }
        awaitRing(nodes, CONVERGE, "running, ready");
        final DistributionNode first = nodes.get(0);
        final List<String> names = IntStream.range(0, NAMES).mapToObj(i -> "mv-" + i).toList();
        // Counter i starts at i and is counted up once: i + 1.
        final String out = RegistryClusterIT.all(first,
            IntStream.range(0, NAMES).mapToObj(i -> "swarm:register mv-" + i + " counter " + i).toList(), Duration.ofMinutes(1));
        final Map<String, String> before = new TreeMap<>();
        for (String line : out.lines().toList()) {
            final Matcher m = REGISTERED.matcher(line);
            assertTrue(line, m.matches());
            before.put(m.group(1), m.group(2));
        }
        RegistryClusterIT.all(first, names.stream().map(n -> "swarm:call " + n + " inc").toList(), Duration.ofMinutes(1));
        awaitCounts(first, names, 1);

        // While it joins, mv3 streams numbered casts ("next 1", "next 2", ...) to 20 more counters, one round at a
        // time: a counter takes "next k" only after "next k-1", so each ends at the last number only if none of its
        // messages was lost, repeated or reordered, also those sent while it moved (held, then forwarded). At most
        // 150 rounds: Gogo keeps two 8 KiB stream encoders per command of a session for a while (seen: 6,000
        // plain echo commands held 160 MB), and test nodes have 256 MiB.
        final List<String> streams = IntStream.range(0, 20).mapToObj(i -> "seq-" + i).toList();
        RegistryClusterIT.all(first, streams.stream().map(n -> "swarm:register " + n + " counter 0").toList(), Duration.ofMinutes(1));
        final Map<String, String> streamsBefore = RegistryClusterIT.listed(first, "seq-*");
        final java.util.concurrent.atomic.AtomicBoolean stopStreaming = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.CompletableFuture<Integer> streaming = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            int k = 0;
            final DistributionNode sender = nodes.get(2);
            while (!stopStreaming.get() && k < 150) {
                final int round = ++k;
                final String sent = RegistryClusterIT.all(sender,
                    streams.stream().map(n -> "swarm:send " + n + " \"next " + round + "\"").toList(), Duration.ofMinutes(1));
                assertEquals(sent, streams.size(), sent.lines().filter(l -> l.startsWith("sent to seq-")).count());
            }
            return k;
        });

        // A fourth node joins: the counters placed on it now move there, and only those.
        final DistributionNode fourth = start("mv4");
        nodes.add(fourth);
        final long joined = System.nanoTime();
        awaitRing(nodes, CONVERGE, "running, ready");
        await("counters on mv4").atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
            .until(() -> RegistryClusterIT.listed(first, "mv-*").values().stream()
                .filter(ref -> RegistryClusterIT.host(ref).equals("mv4")).count() >= NAMES / 8);
        awaitCounts(fourth, names, 1);
        final Map<String, String> afterJoin = RegistryClusterIT.listed(first, "mv-*");
        int moved = 0;
        for (String name : names) {
            if (!afterJoin.get(name).equals(before.get(name))) {
                moved++;
                assertEquals(name + " moved, to the new node only", "mv4", RegistryClusterIT.host(afterJoin.get(name)));
            }
        }
        System.out.printf("WorkerMovesIT: %d of %d counters moved to the 4th node (ideal %d), all answering with their"
            + " counts %d ms after it started%n", moved, NAMES, NAMES / 4, (System.nanoTime() - joined) / 1_000_000);
        assertTrue("about a quarter moved: " + moved, moved >= NAMES / 8 && moved <= NAMES * 3 / 8);
        stopStreaming.set(true);
        final int rounds = streaming.join();
        final Map<String, String> streamsAfter = RegistryClusterIT.listed(first, "seq-*");
        final long streamsMoved = streams.stream().filter(n -> !streamsAfter.get(n).equals(streamsBefore.get(n))).count();
        assertTrue("some streamed counters moved: " + streamsAfter, streamsMoved > 0);
        final List<String> lastNumber = streams.stream().map(n -> Integer.toString(rounds)).toList();
        await("every stream ended at its last number").atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertEquals(lastNumber, List.of(RegistryClusterIT.all(first,
                streams.stream().map(n -> "swarm:call " + n + " get").toList(), ANSWER).split("\n"))));
        System.out.printf("WorkerMovesIT: %d numbered casts to each of %d counters while %d of them moved: none lost,"
            + " repeated or reordered%n", rounds, streams.size(), streamsMoved);

        // kill -9 the new node: its counters run again on the others, from their replicated checkpoints. The
        // counters took a checkpoint after the move and every second since; their counts have not changed.
        fourth.process().kill();
        nodes.remove(fourth);
        final long killed = System.nanoTime();
        await("counters of mv4 back on the others").atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> {
                final Map<String, String> now = RegistryClusterIT.listed(first, "mv-*");
                assertEquals(before.keySet(), now.keySet());
                assertFalse(now.toString(), now.values().stream().anyMatch(ref -> RegistryClusterIT.host(ref).equals("mv4")));
            });
        awaitCounts(nodes.get(1), names, 1);
        System.out.printf("WorkerMovesIT: after kill -9 of mv4 its %d counters answered again with their counts within"
            + " %d ms%n", moved, (System.nanoTime() - killed) / 1_000_000);

        // SIGTERM right after every count changed: the node drains, handing its counters off with their
        // current counts (a restart from a checkpoint up to a second old would lose the last increment).
        final DistributionNode third = nodes.remove(2);
        RegistryClusterIT.all(first, names.stream().map(n -> "swarm:call " + n + " inc").toList(), Duration.ofMinutes(1));
        final long terminated = System.nanoTime();
        third.process().terminate();
        // (Its log line saying so may be lost: JUL's own shutdown hook closes the handlers as the framework stops.)
        assertTrue("mv3 exits after SIGTERM", third.process().awaitExit(Duration.ofSeconds(60)));
        await("no counter left on mv3").atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertFalse(RegistryClusterIT.listed(first, "mv-*").values().stream()
                .anyMatch(ref -> RegistryClusterIT.host(ref).equals("mv3"))));
        awaitCounts(first, names, 2);
        System.out.printf("WorkerMovesIT: SIGTERM of mv3: its counters answered on the others with every count within"
            + " %d ms%n", (System.nanoTime() - terminated) / 1_000_000);

        // A node that joins and leaves again, three times (leaving by SIGTERM, kill -9, then stop 0): each time
        // the counters placed on it move there and leave with it, every name ending with one instance, counts kept.
        for (int round = 1; round <= 3; round++) {
            final DistributionNode flapping = start("mv5");
            final List<DistributionNode> withIt = new ArrayList<>(nodes);
            withIt.add(flapping);
            awaitRing(withIt, CONVERGE, "running, ready");
            await("counters on mv5, round " + round).atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> RegistryClusterIT.listed(first, "mv-*").values().stream()
                    .filter(ref -> RegistryClusterIT.host(ref).equals("mv5")).count() >= NAMES / 6);
            awaitCounts(flapping, names, 2);
            final long leaving = System.nanoTime();
            switch (round) {
                case 1 -> flapping.process().terminate();
                case 2 -> flapping.process().kill();
                default -> flapping.process().send("stop 0\n");
            }
            assertTrue("mv5 exits, round " + round, flapping.process().awaitExit(Duration.ofSeconds(60)));
            await("no counter left on mv5, round " + round).atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    final Map<String, String> now = RegistryClusterIT.listed(first, "mv-*");
                    assertEquals(before.keySet(), now.keySet());
                    assertFalse(now.toString(), now.values().stream().anyMatch(ref -> RegistryClusterIT.host(ref).equals("mv5")));
                });
            awaitCounts(nodes.get(1), names, 2);
            System.out.printf("WorkerMovesIT: mv5 joined and left (round %d): every counter answered with its count"
                + " %d ms after it began to leave%n", round, (System.nanoTime() - leaving) / 1_000_000);
        }

        // The counter bundle stopped on mv2 alone: its counters go to mv1, which still offers the type, counts kept.
        final DistributionNode second = nodes.get(1);
        final Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|.*org\\.swarmosgi\\.examples\\.counter")
            .matcher(second.execute("lb -s counter", ANSWER));
        assertTrue("the counter bundle is listed on mv2", id.find());
        final long stopped = System.nanoTime();
        second.execute("felix:stop " + id.group(1), ANSWER);
        await("no counter left on mv2").atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertFalse(RegistryClusterIT.listed(first, "mv-*").values().stream()
                .anyMatch(ref -> RegistryClusterIT.host(ref).equals("mv2"))));
        awaitCounts(first, names, 2);
        System.out.printf("WorkerMovesIT: counter bundle stopped on mv2: its counters answered on mv1 with every count"
            + " within %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
    }
}

package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.swarmosgi.test.support.DistributionNode.awaitRing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.After;
import org.junit.Test;
import org.swarmosgi.ring.HashRing;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;

/**
 * Crashes while workers are already on the move, on node JVMs from the built distribution (at most four
 * at once): the target of a rebalance killed with -9 while the handoffs to it are under way, and two
 * failovers in a row (a node killed with -9, then, as soon as its counters answer from the others, a node
 * that took some of them killed too). Every counter was counted to a known value before; every name ends
 * with exactly one live instance on the survivors (every survivor lists the same ref for it, the workers
 * running there add up to the names, a call answers), with its count. The counts that survive a crash come
 * from checkpoints: a worker that has just started with a state (moved here with it, or restarted from a
 * checkpoint) has that state replicated to its successors at once, not only at its type's next round; each
 * checkpoint is kept on a worker's first two successors (checkpoint.copies), so two crashes lose no count.
 */
public class FailoverDuringMovesIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(45);
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "itest", "FailoverDuringMovesIT");
    /** The registry's checkpoint.copies (its default): a round sends each worker's checkpoint to that many nodes. */
    private static final int CHECKPOINT_COPIES = 2;
    private static final String SECRET = "itest-failover-secret-0123456789a";
    /** handoff.max.inflight of the first test's nodes (default 256). */
    private static final int IN_FLIGHT = 8;
    private static final Pattern REGISTERED = Pattern.compile("^registered (\\S+): (<\\S+>)$");
    private static final Pattern RUNNING = Pattern.compile("\"type\":\"counter\",\"offered\":(?:true|false),\"running\":(\\d+)");

    private DistributionCluster processes;

    @After
    public void stop() {
        if (processes != null) {
            processes.close(); // keeps each node's log and shell output beside its work folder
        }
    }

    private DistributionNode start(String name) {
        return start(name, List.of());
    }

    private DistributionNode start(String name, List<String> wrapper) {
        final DistributionNode node = processes.start(wrapper, name, "--secret", SECRET);
        node.execute("swarm:status", START);
        return node;
    }

    /**
     * Registers counter {@code prefix-i} at i for every i below {@code count} from one node, then counts each up
     * once from another: i + 1. (Spread over two nodes: Gogo holds memory per command for a while, and test nodes
     * have 256 MiB.)
     */
    private static List<String> countersAtKnownCounts(DistributionNode node, DistributionNode other, String prefix, int count) {
        final List<String> names = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
        final String out = RegistryClusterIT.all(node,
            IntStream.range(0, count).mapToObj(i -> "swarm:register " + prefix + i + " counter " + i).toList(), Duration.ofMinutes(2));
        for (String line : out.lines().toList()) {
            assertTrue(line, REGISTERED.matcher(line).matches());
        }
        final String incs = RegistryClusterIT.all(other, names.stream().map(n -> "swarm:call " + n + " inc").toList(), Duration.ofMinutes(2));
        assertEquals(IntStream.range(0, count).mapToObj(i -> Integer.toString(i + 1)).toList(), List.of(incs.split("\n")));
        return names;
    }

    /**
     * A copy of the distribution's etc/ folder (the nodes' FileInstall folder) with {@code handoff.max.inflight} of
     * the registry set, and the JAVA_OPTS that make a node read it.
     */
    private static List<String> withHandoffsInFlight(int inFlight) throws java.io.IOException {
        final Path etc = WORK.resolve("target-killed-etc").toAbsolutePath();
        Files.createDirectories(etc);
        try (java.util.stream.Stream<Path> files = Files.list(SwarmContainer.distribution().resolve("etc"))) {
            for (Path f : files.toList()) {
                Files.copy(f, etc.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(etc.resolve("org.swarmosgi.registry.cfg"), "handoff.max.inflight = " + inFlight + "\n",
            java.nio.file.StandardOpenOption.APPEND);
        return List.of("env", "JAVA_OPTS=-XX:+UseSerialGC -Xmx256m -Dfelix.fileinstall.dir=" + etc);
    }

    private static int running(DistributionNode node) {
        final Matcher m = RUNNING.matcher(node.execute("swarm:workers --json", ANSWER));
        assertTrue("the counter type is listed on " + node, m.find());
        return Integer.parseInt(m.group(1));
    }

    /** A registry figure of {@code swarm:stats --json} on the node. */
    private static long figure(DistributionNode node, String metric) {
        final Matcher m = Pattern.compile("\"name\":\"" + metric + "\",[^}]*\\},\"value\":(\\d+)")
            .matcher(node.execute("swarm:stats --json", ANSWER));
        assertTrue(metric + " on " + node, m.find());
        return Long.parseLong(m.group(1));
    }

    private static long handoffsBegun(DistributionNode node) {
        return figure(node, "swarm_registry_handoffs_total");
    }

    private static long checkpointsSent(DistributionNode node) {
        return figure(node, "swarm_registry_checkpoints_sent_total");
    }

    private static long restarts(List<DistributionNode> nodes) {
        return nodes.stream().mapToLong(n -> figure(n, "swarm_registry_restarts_total")).sum();
    }

    /**
     * Every node has sent two checkpoint rounds of all its counters since this call began: the first of them
     * was taken after every count was final, and has reached its successor (the second left after it, on the
     * same stream, a checkpoint interval later).
     */
    private static void awaitTwoCheckpointRounds(List<DistributionNode> nodes) {
        final Map<DistributionNode, Long> from = new HashMap<>();
        for (DistributionNode node : nodes) {
            from.put(node, checkpointsSent(node));
        }
        for (DistributionNode node : nodes) {
            final long due = from.get(node) + 2L * CHECKPOINT_COPIES * running(node);
            await("two checkpoint rounds on " + node).atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> checkpointsSent(node) >= due);
        }
    }

    /**
     * Every name has exactly one live instance, on the survivors only: each survivor lists every name with the
     * same ref, on a survivor; the counters running on the survivors add up to the names (no second instance
     * left running); each answers a call with count i + 1 (asked on the first survivor, every tenth also on the
     * others).
     */
    private static void awaitOneInstanceEachWithItsCount(List<DistributionNode> survivors, List<String> names, String prefix) {
        final Set<String> alive = new HashSet<>();
        survivors.forEach(n -> alive.add(n.name()));
        await("one instance of every name on " + survivors).atMost(CONVERGE).pollInterval(Duration.ofMillis(300))
            .untilAsserted(() -> {
                final Map<String, String> first = RegistryClusterIT.listed(survivors.get(0), prefix + "*");
                assertEquals(new HashSet<>(names), first.keySet());
                for (Map.Entry<String, String> e : first.entrySet()) {
                    assertTrue(e + " on a survivor", alive.contains(RegistryClusterIT.host(e.getValue())));
                }
                for (DistributionNode other : survivors.subList(1, survivors.size())) {
                    assertEquals("the same refs on " + other, first, RegistryClusterIT.listed(other, prefix + "*"));
                }
                assertEquals("counters running on the survivors", names.size(),
                    survivors.stream().mapToInt(FailoverDuringMovesIT::running).sum());
            });
        final List<String> counts = List.of(RegistryClusterIT.all(survivors.get(0),
            names.stream().map(n -> "swarm:call " + n + " get").toList(), Duration.ofMinutes(1)).split("\n"));
        assertEquals(names.size(), counts.size());
        for (int i = 0; i < names.size(); i++) {
            assertEquals("the count of " + names.get(i) + ", asked on " + survivors.get(0), Integer.toString(i + 1), counts.get(i));
        }
        final List<Integer> tenth = IntStream.range(0, names.size()).filter(i -> i % 10 == 0).boxed().toList();
        for (DistributionNode other : survivors.subList(1, survivors.size())) {
            assertEquals("every tenth count, asked on " + other, tenth.stream().map(i -> counts.get(i)).toList(),
                List.of(RegistryClusterIT.all(other, tenth.stream().map(i -> "swarm:call " + names.get(i) + " get").toList(),
                    Duration.ofMinutes(1)).split("\n")));
        }
    }

    /**
     * 600 counters over three nodes; a fourth joins, and about 150 of them begin to move to it (8 per host at
     * once: handoff.max.inflight). As soon as an old host has begun 12 handoffs, the new node is killed -9.
     * Those whose start it had not answered start again on their old host with the state they handed off (the
     * move asks the placement again, now without the dead node); those that had moved run again on their
     * successor from the state they moved with (replicated at their start, before any checkpoint round of the
     * dead node); those not begun stay.
     */
    @Test
    public void theTargetOfMovesKilledWhileTheyAreUnderWay_everyCounterEndsOnceWithItsCount() throws java.io.IOException {
        processes = new DistributionCluster(SwarmContainer.distribution(), WORK.resolve("target-killed"));
        // Each host moves 8 workers at a time (handoff.max.inflight, default 256): the ~50 each moves to the new
        // node go in waves, so the first arrive there well before the last have begun.
        final List<String> etc = withHandoffsInFlight(IN_FLIGHT);
        final List<DistributionNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            nodes.add(start("hk" + i, etc));
        }
        awaitRing(nodes, CONVERGE, "running, ready");
        final long began = System.nanoTime();
        final int count = 600;
        final List<String> names = countersAtKnownCounts(nodes.get(0), nodes.get(1), "hk-", count);
        final HashRing withFourth = HashRing.of(List.of("hk1", "hk2", "hk3", "hk4"));
        final long placedOnFourth = names.stream().filter(n -> withFourth.owner(n).equals("hk4")).count();

        final long restartsBefore = restarts(nodes);
        // Not waiting for its shell: the old hosts are watched from the moment it starts.
        final DistributionNode fourth = processes.start(etc, "hk4", "--secret", SECRET);
        // Killed as soon as an old host has begun half a wave more than it may run at once (its
        // swarm_registry_handoffs_total, asked of the three in turn): some of its moves have ended (their workers
        // run on hk4), up to IN_FLIGHT are between beginHandoff and their start there, the rest wait their turn.
        final long[] begun = new long[1];
        final int[] turn = new int[1];
        await("handoffs towards hk4 under way").atMost(START).pollInterval(Duration.ofMillis(5))
            .until(() -> (begun[0] = handoffsBegun(nodes.get(turn[0]++ % 3))) >= IN_FLIGHT + IN_FLIGHT / 2);
        fourth.process().kill();
        final long killed = System.nanoTime();
        final long begunByAll = nodes.stream().mapToLong(FailoverDuringMovesIT::handoffsBegun).sum();
        awaitOneInstanceEachWithItsCount(nodes, names, "hk-");
        final long answered = System.nanoTime();
        // Restarts of the dead node's workers: those that had moved there (the others started again on their
        // old host as their move's end). Some and not all: it died in the middle of the moves.
        final long failedOver = restarts(nodes) - restartsBefore;
        System.out.printf("FailoverDuringMovesIT: hk4 killed -9 when a host had begun %d handoffs (%d by all three just"
            + " after, %d counters placed on it, %d of them had moved and were restarted from the state they moved with);"
            + " all %d counters answered once each with their counts %d ms later (test %d ms)%n", begun[0], begunByAll,
            placedOnFourth, failedOver, count, (answered - killed) / 1_000_000, (answered - began) / 1_000_000);
        assertTrue("some counters had moved to hk4, not all: " + failedOver, failedOver > 0 && failedOver < placedOnFourth);
    }

    /**
     * 600 counters over four nodes, each count checkpointed; tf4 is killed -9, and as soon as the first of its
     * counters answer from tf2 or tf3 (listed there by tf1), that node is killed -9 too. Those counters restart
     * once more, on tf1 or the last node, from the state they had just been restarted with (replicated at once
     * to their next successor); the dead nodes' other counters from their checkpoints.
     */
    @Test
    public void twoFailoversInARow_everyCounterEndsOnceWithItsCheckpointedCount() {
        processes = new DistributionCluster(SwarmContainer.distribution(), WORK.resolve("two-failovers"));
        final List<DistributionNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            nodes.add(start("tf" + i));
        }
        awaitRing(nodes, CONVERGE, "running, ready");
        final long began = System.nanoTime();
        final int count = 600;
        final List<String> names = countersAtKnownCounts(nodes.get(1), nodes.get(2), "tf-", count);
        final DistributionNode first = nodes.get(0);
        awaitTwoCheckpointRounds(nodes);
        final Map<String, String> before = RegistryClusterIT.listed(first, "tf-*");
        final Set<String> onA = new HashSet<>();
        before.forEach((name, ref) -> {
            if (RegistryClusterIT.host(ref).equals("tf4")) {
                onA.add(name);
            }
        });

        final DistributionNode a = nodes.remove(3);
        a.process().kill();
        final long killedA = System.nanoTime();
        // tf4's counters answering from tf2 or tf3, as tf1 sees them (its replica lists them there). Their records and
        // the states they were restarted with left their new node in the same turn of its registry.
        final Map<String, Set<String>> took = new HashMap<>();
        // (A listing's pages may shrink under it while tf4's names are restarting: that poll is asked again.)
        await("tf4's first counters answering from tf2 or tf3").atMost(CONVERGE).pollInterval(Duration.ofMillis(50))
            .ignoreException(AssertionError.class)
            .until(() -> {
                took.clear();
                RegistryClusterIT.listed(first, "tf-*").forEach((name, ref) -> {
                    if (onA.contains(name) && !RegistryClusterIT.host(ref).equals("tf4")) {
                        took.computeIfAbsent(RegistryClusterIT.host(ref), h -> new HashSet<>()).add(name);
                    }
                });
                return took.containsKey("tf2") || took.containsKey("tf3");
            });
        final int onTf2 = took.getOrDefault("tf2", Set.of()).size();
        final DistributionNode b = onTf2 >= took.getOrDefault("tf3", Set.of()).size() ? nodes.remove(1) : nodes.remove(2);
        final Set<String> answeringOnB = took.get(b.name());
        b.process().kill();
        final long killedB = System.nanoTime();
        final long firstFailover = (killedB - killedA) / 1_000_000;
        // tf4's counters checkpointed on B and not answering from there yet, and B's own checkpointed on tf4 whose new
        // successor B's next round had not reached, keep their counts too: their second successor held a copy.
        final HashRing all = HashRing.of(List.of("tf1", "tf2", "tf3", "tf4"));
        final HashRing withoutA = all.remove("tf4");
        final HashRing withoutB = all.remove(b.name());
        final long firstCopyDied = before.entrySet().stream().filter(e -> {
            final String host = RegistryClusterIT.host(e.getValue());
            return host.equals("tf4") && withoutA.owner(e.getKey()).equals(b.name()) && !answeringOnB.contains(e.getKey())
                || host.equals(b.name()) && withoutB.owner(e.getKey()).equals("tf4");
        }).count();
        awaitOneInstanceEachWithItsCount(nodes, names, "tf-");
        System.out.printf("FailoverDuringMovesIT: tf4 killed -9 (%d counters); %d ms later, %d of them answering from %s"
            + " (%s), killed -9; all %d counters answered once each with its count %d ms after that (%d of them had"
            + " their first checkpoint copy on a dead node) (test %d ms)%n", onA.size(), firstFailover,
            answeringOnB.size(), b.name(), took.keySet(), count, (System.nanoTime() - killedB) / 1_000_000, firstCopyDied,
            (System.nanoTime() - began) / 1_000_000);
    }
}

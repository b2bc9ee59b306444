package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.swarmosgi.test.support.DistributionNode.awaitRing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * A partition and its heal on three node JVMs, with one name registered on both sides meanwhile:
 * after the heal exactly one worker holds it on every node, and it has the loser's count through
 * {@code resolveConflict}.
 *
 * <p>Each node runs in its own network namespace ({@code ip netns}), on a veth pair to a bridge,
 * with static-seed membership; the partition is iptables rules by source address inside the
 * namespaces. (Nodes on distinct loopback addresses cannot be cut apart by address: Aeron's
 * publications send from a wildcard socket, so their packets leave from 127.0.0.1 whichever node
 * sends them.) Needs root, {@code ip} (iproute2) and {@code iptables}: skipped when not root, failing
 * when root lacks a tool ({@code .ci/run} installs them). Namespaces, bridge and rules are removed
 * afterwards.
 */
public class RegistryPartitionIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "itest", "RegistryPartitionIT");
    private static final String SECRET = "itest-partition-secret-0123456789";
    private static final Pattern ANY_REGISTERED = Pattern.compile("^registered (\\S+): (<\\S+>)$");

    private final String tag = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final String subnet = "10.213." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
    private final String bridge = "swpbr" + tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String[]> rules = new ArrayList<>();
    private DistributionCluster processes;

    @Before
    public void network() {
        final String uid = run(List.of("id", "-u")).strip();
        assumeTrue("needs root for network namespaces and iptables (uid " + uid + ")", "0".equals(uid));
        for (String tool : List.of("ip", "iptables")) {
            assertTrue(tool + " is missing (iproute2 / iptables: .ci/run installs them)", onPath(tool));
        }
        must("ip", "link", "add", bridge, "type", "bridge");
        must("ip", "link", "set", bridge, "up");
        for (int i = 0; i < 3; i++) {
            final String ns = "swp" + tag + (char) ('a' + i);
            must("ip", "netns", "add", ns);
            namespaces.add(ns);
            must("ip", "link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns);
            must("ip", "link", "set", ns, "master", bridge, "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", address(i) + "/24", "dev", "eth0");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        }
    }

    @After
    public void cleanUp() {
        if (processes != null) {
            processes.close();
        }
        heal();
        for (String ns : namespaces) {
            run(List.of("ip", "netns", "del", ns)); // takes its rules and its veth pair along
        }
        run(List.of("ip", "link", "del", bridge));
    }

    @Test
    public void aNameRegisteredOnBothSidesOfAPartitionEndsWithOneWorkerThatGotTheLosersState() {
        processes = new DistributionCluster(SwarmContainer.distribution(), WORK);
        final String seeds = String.join(",", address(0) + ":" + processes.gossipPort(),
                address(1) + ":" + processes.gossipPort(), address(2) + ":" + processes.gossipPort());
        final List<DistributionNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(processes.start(List.of("ip", "netns", "exec", namespaces.get(i)), "p" + (char) ('a' + i),
                    "--secret", SECRET, "--bind", address(i), "--autocluster", "static", "--seeds", seeds));
        }
        final DistributionNode a = nodes.get(0);
        final DistributionNode b = nodes.get(1);
        final DistributionNode c = nodes.get(2);
        for (DistributionNode node : nodes) {
            node.execute("swarm:status", START);
        }
        awaitRing(nodes, CONVERGE);

        // Where names live when all three are up: their owners, whose instances win after the heal.
        // One name owned by pa (the side cut off wins) and one owned by pb or pc (the other side wins).
        final List<String> probes = IntStream.range(0, 32).mapToObj(i -> "split-" + i).toList();
        final Map<String, String> owners = registerAll(a, probes);
        final String aOwns = owners.keySet().stream().filter(n -> host(owners.get(n)).equals("pa"))
                .findFirst().orElseThrow(() -> new AssertionError("no probe on pa: " + owners));
        final String bcOwns = owners.keySet().stream().filter(n -> !host(owners.get(n)).equals("pa"))
                .findFirst().orElseThrow(() -> new AssertionError("no probe on pb or pc: " + owners));
        all(a, probes.stream().map(n -> "swarm:unregister " + n).toList(), ANSWER);
        for (DistributionNode node : nodes) {
            await("probes gone on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .until(() -> RegistryClusterIT.listed(node, "split-*").isEmpty());
        }

        // Cut pa off from pb and pc, both ways.
        final long cut = System.nanoTime();
        for (int other : new int[] {1, 2}) {
            rule(namespaces.get(0), address(other));
            rule(namespaces.get(other), address(0));
        }
        awaitRing(List.of(a), CONVERGE);
        awaitRing(List.of(b, c), CONVERGE);
        System.out.printf("RegistryPartitionIT: partition seen by every node after %d ms%n",
                (System.nanoTime() - cut) / 1_000_000);

        // Both sides register both names (each side has its owner) and count differently: the larger
        // count always on the side that will lose, so that only resolveConflict brings it to the winner.
        final Map<String, String> winners = new TreeMap<>();
        for (String name : List.of(aOwns, bcOwns)) {
            final String refA = registerOne(a, name);
            final String refB = registerOne(b, name);
            assertEquals("pa", host(refA));
            assertTrue(refB, !host(refB).equals("pa"));
            assertEquals(refB, c.execute("swarm:whereis " + name, ANSWER));
            final boolean aWins = name.equals(aOwns);
            winners.put(name, aWins ? refA : refB);
            final DistributionNode winnerSide = aWins ? a : c;
            final DistributionNode loserSide = aWins ? b : a;
            all(winnerSide, IntStream.range(0, 3).mapToObj(i -> "swarm:call " + name + " inc").toList(), ANSWER);
            all(loserSide, IntStream.range(0, 7).mapToObj(i -> "swarm:send " + name + " inc").toList(), ANSWER);
            await().atMost(CONVERGE).until(() -> loserSide.execute("swarm:call " + name + " get", ANSWER), "7"::equals);
            assertEquals("3", winnerSide.execute("swarm:call " + name + " get", ANSWER));
            System.out.println("RegistryPartitionIT: " + name + " owned by " + host(owners.get(name)) + "; winner "
                    + winners.get(name) + " (count 3), loser " + (aWins ? refB : refA) + " (count 7)");
        }
        // Names held on one side only: every node has them all after the heal (those whose placement is on the
        // other side now move there: the ring of three places them otherwise than a side's ring did).
        final List<String> left = IntStream.range(0, 20).mapToObj(i -> "left-" + i).toList();
        final List<String> right = IntStream.range(0, 20).mapToObj(i -> "right-" + i).toList();
        final Map<String, String> sides = new TreeMap<>(registerAll(a, left));
        sides.putAll(registerAll(c, right));

        // Heal: one worker a name, the owner's, everywhere, with the larger count: the loser's.
        final long healed = System.nanoTime();
        heal();
        awaitRing(nodes, CONVERGE);
        final long ring = System.nanoTime();
        for (DistributionNode node : nodes) {
            await("one worker a name on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        assertEquals(winners, RegistryClusterIT.listed(node, "split-*"));
                        for (Map.Entry<String, String> w : winners.entrySet()) {
                            final List<String> out = all(node, List.of("swarm:whereis " + w.getKey(),
                                    "swarm:call " + w.getKey() + " get"), ANSWER).lines().toList();
                            assertEquals(node.name() + ": " + out, List.of(w.getValue(), "7"), out);
                        }
                    });
        }
        final long resolved = System.nanoTime();
        for (DistributionNode node : nodes) {
            await("one side's names on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        final Map<String, String> all = new TreeMap<>(RegistryClusterIT.listed(node, "left-*"));
                        all.putAll(RegistryClusterIT.listed(node, "right-*"));
                        assertEquals(sides.keySet(), all.keySet());
                    });
        }
        // The winners go on counting from there.
        assertEquals("8", b.execute("swarm:call " + aOwns + " inc", ANSWER));
        assertEquals("8", a.execute("swarm:call " + bcOwns + " inc", ANSWER));
        System.out.printf("RegistryPartitionIT: after the heal, ring of 3 in %d ms, one worker a name on"
                + " every node with the loser's count in %d ms%n", (ring - healed) / 1_000_000,
                (resolved - healed) / 1_000_000);
    }

    // ---------------------------------------------------------------- helpers

    private static String host(String ref) {
        return RegistryClusterIT.host(ref);
    }

    private static String registerOne(DistributionNode node, String name) {
        final String out = node.execute("swarm:register " + name + " counter", ANSWER);
        final Matcher m = ANY_REGISTERED.matcher(out);
        assertTrue(out, m.matches() && m.group(1).equals(name));
        return m.group(2);
    }

    private static Map<String, String> registerAll(DistributionNode node, List<String> names) {
        final Map<String, String> refs = new TreeMap<>();
        for (String line : all(node, names.stream().map(n -> "swarm:register " + n + " counter").toList(),
                ANSWER).lines().toList()) {
            final Matcher m = ANY_REGISTERED.matcher(line);
            assertTrue(line, m.matches());
            refs.put(m.group(1), m.group(2));
        }
        assertEquals(names.size(), refs.size());
        return refs;
    }

    private String address(int node) {
        return subnet + (node + 2);
    }

    /** Drops, inside {@code ns}, what comes from {@code from}. */
    private void rule(String ns, String from) {
        final String[] rule = {"ip", "netns", "exec", ns, "iptables", "-I", "INPUT", "-s", from, "-j", "DROP"};
        must(rule);
        rules.add(rule);
    }

    private void heal() {
        for (String[] rule : rules) {
            final List<String> delete = new ArrayList<>(List.of(rule));
            delete.set(5, "-D");
            run(delete);
        }
        rules.clear();
    }

    private static boolean onPath(String tool) {
        final List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        return dirs.stream().anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }

    private static void must(String... command) {
        final List<String> line = List.of(command);
        final ProcessResult result = exec(line);
        assertTrue(String.join(" ", line) + " failed (" + result.code + "): " + result.output, result.code == 0);
    }

    private static String run(List<String> command) {
        return exec(command).output;
    }

    private record ProcessResult(int code, String output) {
    }

    private static ProcessResult exec(List<String> command) {
        final List<String> resolved = new ArrayList<>(command);
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, command.get(0)))) {
                resolved.set(0, dir + "/" + command.get(0));
                break;
            }
        }
        try {
            final Process process = new ProcessBuilder(resolved).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new ProcessResult(-1, "timed out");
            }
            return new ProcessResult(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new ProcessResult(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProcessResult(-1, e.toString());
        }
    }

    /** Runs the commands on the node in one write; their answers, one block per command, joined by lines. */
    private static String all(DistributionNode node, java.util.List<String> commands, java.time.Duration timeout) {
        return String.join("\n", node.executeAll(commands, timeout));
    }
}

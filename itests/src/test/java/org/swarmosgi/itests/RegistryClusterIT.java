package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;
import org.junit.runners.MethodSorters;

/**
 * The registry on five node JVMs started at once from the built distribution, driven through their
 * shells: concurrent registration of one set of names from every node, calls and sends by name
 * across nodes, bad input, and a kill -9. The five nodes are shared by the tests (own cluster name
 * and gossip port); each test uses its own names. The kill comes last (methods run in name order,
 * and {@code killDashNine...} sorts last); a test after it would run on the four survivors.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class RegistryClusterIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(30);
    /** The failure detector's bound (about 1.4 s of silence by default, see membership-core; longer after a
     * burst of load has widened the heartbeat jitter it learnt) plus a margin. */
    private static final Duration DETECTION = Duration.ofSeconds(15);
    private static final Path WORK = Path.of("target", "itest", "RegistryClusterIT");
    private static final String SECRET = "itest-registry-secret-0123456789";
    private static final int NODES = 5;
    private static final int NAMES = 1000;

    private static final Pattern REGISTERED = Pattern.compile("^registered (\\S+): (<\\S+>)$");
    private static final Pattern ALREADY = Pattern.compile("^(\\S+) is already registered: (<\\S+>)$");
    private static final Pattern ROW = Pattern.compile("^  (\\S+)\\s+(<\\S+>)$");

    private static DistributionCluster processes;
    /** The nodes still running, in start order. */
    private static final List<DistributionNode> nodes = new ArrayList<>();

    /** On a failure, a thread dump of every node still running, beside its log (for a look afterwards). */
    @Rule
    public final TestWatcher dumps = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description description) {
            for (DistributionNode node : nodes) {
                try {
                    final Process jstack = new ProcessBuilder("jstack", Long.toString(node.process().pid()))
                            .redirectErrorStream(true).redirectOutput(WORK.resolve(node.name() + "-"
                                    + description.getMethodName() + ".jstack").toFile()).start();
                    jstack.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.io.IOException | InterruptedException ignored) {
                    // diagnostics only
                }
            }
        }
    };

    @BeforeClass
    public static void startFiveNodesAtOnce() {
        processes = new DistributionCluster(SwarmContainer.distribution(), WORK);
        for (int i = 1; i <= NODES; i++) {
            nodes.add(processes.start("rc" + i, "--secret", SECRET));
        }
        // Every node sees all five, in membership and in the registry's ring.
        for (DistributionNode node : nodes) {
            node.execute("swarm:status", START);
        }
        for (DistributionNode node : nodes) {
            await("ring of 5 on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        final String status = node.execute("swarm:status", ANSWER);
                        return status.contains("Ring: " + NODES + " members,")
                                && status.contains("running, ready")
                                && IntStream.rangeClosed(1, NODES).allMatch(i -> status.contains("rc" + i));
                    });
        }
    }

    @AfterClass
    public static void stopNodes() {
        if (processes != null) {
            processes.close(); // keeps each node's log and shell output beside its work folder
        }
    }

    @Test
    public void fiveNodesStartedAtOnceRegisterAThousandNamesConcurrently() throws Exception {
        final List<String> names = IntStream.range(0, NAMES).mapToObj(i -> "name-" + i).toList();
        final List<String> commands = names.stream().map(n -> "swarm:register " + n + " counter").toList();

        // The same 1,000 registrations from every node at once: each name is claimed by five nodes.
        final ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        final Map<DistributionNode, String> answers = new HashMap<>();
        final long started = System.nanoTime();
        try {
            final Map<DistributionNode, CompletableFuture<String>> pending = new HashMap<>();
            for (DistributionNode node : nodes) {
                pending.put(node, CompletableFuture.supplyAsync(
                        () -> all(node, commands, Duration.ofMinutes(3)), pool));
            }
            for (Map.Entry<DistributionNode, CompletableFuture<String>> e : pending.entrySet()) {
                answers.put(e.getKey(), e.getValue().get());
            }
        } finally {
            pool.shutdownNow();
        }
        final long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("RegistryClusterIT: %d registrations (%d names from %d nodes at once) answered in %d ms"
                + " (%.0f/s)%n", NAMES * nodes.size(), NAMES, nodes.size(), millis,
                NAMES * nodes.size() * 1000.0 / Math.max(1, millis));

        // Every name: exactly one "registered", the others "already registered" with the same ref.
        final Map<String, String> refs = new TreeMap<>();
        final Map<String, Integer> winners = new HashMap<>();
        final Map<String, Integer> answered = new HashMap<>();
        for (Map.Entry<DistributionNode, String> e : answers.entrySet()) {
            final List<String> lines = e.getValue().lines().toList();
            assertEquals("one answer a registration from " + e.getKey().name() + ": " + head(e.getValue()),
                    NAMES, lines.size());
            for (String line : lines) {
                final Matcher registered = REGISTERED.matcher(line);
                final Matcher already = ALREADY.matcher(line);
                final String name;
                final String ref;
                if (registered.matches()) {
                    name = registered.group(1);
                    ref = registered.group(2);
                    winners.merge(name, 1, Integer::sum);
                } else if (already.matches()) {
                    name = already.group(1);
                    ref = already.group(2);
                } else {
                    fail("unexpected answer on " + e.getKey().name() + ": " + line);
                    return;
                }
                answered.merge(name, 1, Integer::sum);
                final String before = refs.putIfAbsent(name, ref);
                if (before != null && !before.equals(ref)) {
                    fail(name + " answered with two refs: " + before + " and " + ref);
                }
            }
        }
        assertEquals(NAMES, refs.size());
        for (String name : names) {
            assertEquals("answers for " + name, Integer.valueOf(nodes.size()), answered.get(name));
            assertEquals("'registered' answers for " + name + " (the others: already registered)",
                    Integer.valueOf(1), winners.get(name));
        }
        // The names are spread: every node hosts some.
        final Map<String, Long> perHost = refs.values().stream()
                .collect(Collectors.groupingBy(RegistryClusterIT::host, TreeMap::new, Collectors.counting()));
        System.out.println("RegistryClusterIT: workers per node: " + perHost);
        assertEquals(perHost.toString(), nodes.size(), perHost.size());

        // Every replica lists the 1,000 names with the same refs (register answers once the caller's
        // replica holds the record; the others converge from the hosts' batches).
        for (DistributionNode node : nodes) {
            await("the 1,000 names on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertEquals(refs, listed(node, "name-*")));
        }
    }

    @Test
    public void callsAndSendsByNameReachACounterFromEveryNode() {
        final DistributionNode a = nodes.get(0);
        final String registered = a.execute("swarm:register visits counter 10", ANSWER);
        assertTrue(registered, REGISTERED.matcher(registered).matches());
        final String ref = registered.substring(registered.indexOf('<'));

        long expected = 10;
        // A call from every other node, in turn: each sees the previous one's increment.
        for (DistributionNode node : nodes.subList(1, nodes.size())) {
            assertEquals("whereis on " + node.name(), ref, node.execute("swarm:whereis visits", ANSWER));
            expected++;
            assertEquals("inc from " + node.name(), Long.toString(expected),
                    node.execute("swarm:call visits inc", ANSWER));
        }
        expected += 5;
        assertEquals(Long.toString(expected), nodes.get(2).execute("swarm:call visits \"inc 5\"", ANSWER));

        // Sends (casts) from every node at once: 20 of "inc 3" from each, no answer awaited.
        final List<String> sends = IntStream.range(0, 20).mapToObj(i -> "swarm:send visits \"inc 3\"").toList();
        final List<CompletableFuture<String>> sent = new ArrayList<>();
        for (DistributionNode node : nodes) {
            sent.add(CompletableFuture.supplyAsync(() -> all(node, sends, ANSWER)));
        }
        for (CompletableFuture<String> s : sent) {
            final String out = s.join();
            assertEquals(out, 20, out.lines().filter("sent to visits"::equals).count());
        }
        expected += 3 * 20 * nodes.size();
        final String total = Long.toString(expected);
        for (DistributionNode node : nodes) {
            await("count on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .until(() -> node.execute("swarm:call visits get", ANSWER), total::equals);
        }
        // A failed call fails that message only.
        final String dance = nodes.get(4).execute("swarm:call visits dance", ANSWER);
        assertTrue(dance, dance.startsWith("cannot call visits: WorkerFailedException: ")
                && dance.contains("unknown command 'dance'") && !dance.contains("\n"));
        assertEquals(total, nodes.get(3).execute("swarm:call visits get", ANSWER));
    }

    @Test
    public void badInputGivesOneLineErrorsAndTheRegistryStaysIntact() {
        final DistributionNode a = nodes.get(0);
        final DistributionNode b = nodes.get(1);
        final String registered = a.execute("swarm:register sturdy counter 41", ANSWER);
        assertTrue(registered, REGISTERED.matcher(registered).matches());

        final String longest = "n".repeat(1024);
        final String overLong = "n".repeat(1025);
        // Each bad input: one line, naming what is wrong.
        expectError(a, "swarm:register \"\" counter", "cannot register: ", "name must not be empty");
        expectError(a, "swarm:register " + overLong + " counter", "cannot register: ", "1024");
        expectError(a, "swarm:register ab\u0007c counter", "cannot register: ", "U+0007");
        expectError(a, "swarm:call ab\u0001c get", "cannot call: ", "U+0001");
        expectError(a, "swarm:whereis \"\"", "cannot look up: ", "name must not be empty");
        expectError(a, "swarm:register typo no-such-type", "cannot register typo: ", "UnknownWorkerTypeException");
        expectError(b, "swarm:call never-registered get", "cannot call never-registered: ", "NotRegisteredException");
        expectError(b, "swarm:send never-registered inc", "cannot send to never-registered: ", "NotRegisteredException");
        expectError(a, "swarm:register ten counter ten", "cannot register ten: ", "'ten'");
        expectError(a, "swarm:register minus counter -1", "cannot register minus: ", "'-1'");
        expectError(b, "swarm:call sturdy \"inc abc\"", "cannot call sturdy: WorkerFailedException: ", "'abc'");
        expectError(b, "swarm:call sturdy get 0", "cannot call: ", "timeoutMs");

        // A dead ref's name: registered, unregistered, then called and sent to by name from two nodes.
        final String dead = b.execute("swarm:register short-lived counter", ANSWER);
        assertTrue(dead, REGISTERED.matcher(dead).matches());
        assertEquals("1", a.execute("swarm:call short-lived inc", ANSWER));
        assertEquals("unregistered short-lived", a.execute("swarm:unregister short-lived", ANSWER));
        expectError(a, "swarm:call short-lived get", "cannot call short-lived: ", "NotRegisteredException");
        // Another node's replica forgets it within a moment (until then a call by name there reaches the
        // stopped instance: NoSuchWorkerException); then the same error as on the first node.
        await("short-lived gone on " + b.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(50))
                .until(() -> b.execute("swarm:whereis short-lived", ANSWER), "short-lived: not registered"::equals);
        expectError(b, "swarm:call short-lived get", "cannot call short-lived: ", "NotRegisteredException");
        expectError(b, "swarm:unregister short-lived", "cannot unregister short-lived: ", "NotRegisteredException");

        // The longest name is fine, end to end.
        final String longRegistered = a.execute("swarm:register " + longest + " counter 7", ANSWER);
        assertTrue(longRegistered, longRegistered.startsWith("registered nnnn"));
        assertEquals("8", b.execute("swarm:call " + longest + " inc", ANSWER));
        assertEquals("unregistered " + "n".repeat(37) + "...", b.execute("swarm:unregister " + longest, ANSWER));

        // The registry is intact: the counter answers with its count, no bad name was recorded.
        assertEquals("42", b.execute("swarm:call sturdy inc", ANSWER));
        for (DistributionNode node : nodes) {
            await("bad names absent on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        final String out = all(node, List.of("swarm:whereis typo", "swarm:whereis ten",
                                "swarm:whereis minus", "swarm:whereis short-lived", "swarm:whereis " + longest,
                                "swarm:call sturdy get"), ANSWER);
                        assertEquals(List.of("typo: not registered", "ten: not registered", "minus: not registered",
                                "short-lived: not registered", "n".repeat(37) + "...: not registered", "42"),
                                out.lines().toList());
                    });
        }
    }

    @Test
    public void killDashNineRestartsTheDeadNodesWorkersOnTheSurvivorsAndKeepsTheOthers() {
        final DistributionNode first = nodes.get(0);
        final DistributionNode victim = nodes.get(nodes.size() - 1);
        final List<String> names = IntStream.range(0, 100).mapToObj(i -> "k-" + i).toList();
        final String out = all(first, names.stream().map(n -> "swarm:register " + n + " counter 100").toList(),
                Duration.ofMinutes(1));
        final Map<String, String> refs = new TreeMap<>();
        for (String line : out.lines().toList()) {
            final Matcher m = REGISTERED.matcher(line);
            assertTrue(line, m.matches());
            refs.put(m.group(1), m.group(2));
        }
        assertEquals(names.size(), refs.size());
        final Map<String, String> survivors = new TreeMap<>(refs);
        survivors.values().removeIf(ref -> host(ref).equals(victim.name()));
        assertTrue("some names on " + victim.name() + ": " + refs, survivors.size() < refs.size());
        for (DistributionNode node : nodes) {
            await("the names on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertEquals(refs, listed(node, "k-*")));
        }
        // Names from the other tests, if they ran: those on the survivors must stay too.
        final Map<String, String> others = new TreeMap<>(listed(first, "*"));
        others.keySet().removeAll(refs.keySet());
        others.values().removeIf(ref -> host(ref).equals(victim.name()));

        victim.process().kill();
        final long killed = System.nanoTime();
        nodes.remove(victim);
        final Map<DistributionNode, Long> seen = new java.util.LinkedHashMap<>();
        for (DistributionNode node : nodes) {
            // One bound for all, from the kill: detection, then the restart, seen on every survivor.
            final Duration left = DETECTION.minusNanos(System.nanoTime() - killed);
            await("the names of " + victim.name() + " restarted, seen on " + node.name()).atMost(left)
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> {
                        final Map<String, String> now = listed(node, "k-*");
                        assertEquals(refs.keySet(), now.keySet());
                        for (Map.Entry<String, String> e : survivors.entrySet()) {
                            assertEquals(e.getKey(), e.getValue(), now.get(e.getKey()));
                        }
                        assertFalse(now.toString(), now.values().stream().anyMatch(ref -> host(ref).equals(victim.name())));
                    });
            seen.put(node, (System.nanoTime() - killed) / 1_000_000);
        }
        System.out.println("RegistryClusterIT: after kill -9 of " + victim.name()
                + ", its workers ran again on the survivors within (ms, upper bounds, checked in turn): "
                + seen.entrySet().stream().map(e -> e.getKey().name() + "=" + e.getValue())
                        .collect(Collectors.joining(", ")));

        for (DistributionNode node : nodes) {
            final Map<String, String> all = listed(node, "*");
            for (Map.Entry<String, String> e : others.entrySet()) {
                assertEquals("survivor " + e.getKey() + " on " + node.name(), e.getValue(), all.get(e.getKey()));
            }
            assertFalse("no record of " + victim.name() + " on " + node.name() + ": " + all,
                    all.values().stream().anyMatch(ref -> host(ref).equals(victim.name())));
        }
        // Every name answers, from every survivor, in one batch each: the restarted ones from their start
        // arguments (the counter keeps no checkpoint here), the others untouched.
        for (DistributionNode node : nodes) {
            final List<String> calls = refs.keySet().stream().map(n -> "swarm:call " + n + " get").toList();
            final List<String> replies = all(node, calls, Duration.ofMinutes(1)).lines().toList();
            assertEquals(node.name() + ": " + replies, refs.size(), replies.size());
            assertTrue(node.name() + ": " + replies, replies.stream().allMatch("100"::equals));
        }
        // A name of the dead node runs once, on its new host: registering it again finds it.
        final String moved = firstOn(refs, victim.name());
        assertEquals("101", nodes.get(2).execute("swarm:call " + moved + " inc", ANSWER));
        final String again = nodes.get(1).execute("swarm:register " + moved + " counter 5", ANSWER);
        assertTrue(again, again.contains("already registered"));
    }

    // ---------------------------------------------------------------- helpers

    /** Every row of {@code swarm:registered <glob>} on the node, all pages: name to ref. */
    static Map<String, String> listed(DistributionNode node, String glob) {
        final Map<String, String> rows = new TreeMap<>();
        for (int page = 1; ; page++) {
            final String out = node.execute("swarm:registered '" + glob + "' --page " + page, ANSWER);
            if (out.startsWith("no names")) {
                return rows;
            }
            final List<String> lines = out.lines().toList();
            assertTrue(out, !lines.isEmpty() && lines.get(0).startsWith("NAME")); // the answer comes stripped
            for (String line : lines.subList(1, lines.size() - 1)) {
                final Matcher m = ROW.matcher(line);
                assertTrue("a row: " + line, m.matches());
                rows.put(m.group(1), m.group(2));
            }
            if (!lines.get(lines.size() - 1).contains("next: --page")) {
                return rows;
            }
        }
    }

    /** The node name of a ref {@code <name#incarnation.id>}. */
    static String host(String ref) {
        return ref.substring(1, ref.indexOf('#'));
    }

    private static String firstOn(Map<String, String> refs, String node) {
        return refs.entrySet().stream().filter(e -> host(e.getValue()).equals(node)).findFirst().orElseThrow().getKey();
    }

    private static void expectError(DistributionNode node, String command, String prefix, String naming) {
        final String out = node.execute(command, ANSWER);
        assertTrue(command + " -> " + out, out.startsWith(prefix) && out.contains(naming) && !out.contains("\n")
                && !out.contains("Exception:\tat") && !out.contains("\tat "));
    }

    private static String head(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    /** Runs the commands on the node in one write; their answers, one block per command, joined by lines. */
    static String all(DistributionNode node, java.util.List<String> commands, java.time.Duration timeout) {
        return String.join("\n", node.executeAll(commands, timeout));
    }
}

package org.swarmosgi.benchmarks.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;

/**
 * Registry benchmarks over node JVMs on loopback ({@link RegNode}: real transport, membership by static
 * seeds, worker host, registry), driven over stdin/stdout:
 * <ol>
 * <li>{@code register}: registrations/s aggregated over every node, {@code --names} names registered
 * from all nodes at once ({@code --inflight} outstanding per node), p50/p99 latency; {@code --rounds}
 * rounds of fresh names after {@code --warmup-rounds} warm-up rounds (of as many names, at least 30,000):
 * the figure is the cluster's steady state, once the nodes' JIT has settled, as in a long-running cluster
 * (a fresh cluster's Java threads take twice the CPU per registration in their first rounds): warm-up rounds go
 * on past {@code --warmup-rounds} until two in a row each cost the nodes' compilers under {@code --warm-jit-ms}
 * (at most {@code --max-warmup-rounds}); each round prints the milliseconds the nodes' JIT spent compiling in it;</li>
 * <li>{@code converge}: a burst of {@code --burst} registrations from all nodes; the time from the last
 * reply until every node's replica holds them all;</li>
 * <li>{@code calls}: calls by name to workers on other nodes, all nodes calling ({@code --call-inflight}
 * each), and one caller's p50/p99 against the bare Aeron round trip between the same two JVMs;</li>
 * <li>{@code sync}: {@code --sync-names} names registered, then one more node joins; the time until its
 * replica holds them all, and its heap per name.</li>
 * <li>{@code rebalance}, {@code failover}, {@code handoff}: worker moves, each on a cluster of its own; see
 * {@link MovesBench} (its options are accepted here too).</li>
 * </ol>
 * <pre>java -cp benchmarks/target/benchmarks.jar org.swarmosgi.benchmarks.registry.RegistryCluster
 *     [--nodes 3] [--names 30000] [--rounds 3] [--warmup-rounds 5] [--inflight 1000] [--burst 10000] [--calls 300000]
 *     [--call-inflight 256] [--samples 20000] [--warmup 10000] [--sync-names 0] [--heap 2g]
 *     [--only register,converge,calls,sync,rebalance,failover,handoff]
 *     [--threads true (CPU per registration by thread)] [--max-warmup-rounds 40] [--warm-jit-ms 500]</pre>
 * All timestamps are System.nanoTime (CLOCK_MONOTONIC: one clock for every process of the machine).
 */
public final class RegistryCluster {
    private int nodes = 3;
    private int names = 30_000;
    private int rounds = 3;
    private int warmupRounds = 5;
    private int maxWarmupRounds = 40;
    private long warmJitMs = 500;
    private int inflight = 1000;
    private int burst = 10_000;
    private long calls = 300_000;
    private int callInflight = 256;
    private int samples = 20_000;
    private int warmup = 10_000;
    private int syncNames = 0;
    private String heap = "2g";
    private String only = "register,converge,calls,sync";
    private boolean threads;
    private java.util.Map<String, Long> threadCpu = java.util.Map.of();
    private long gcMillis;
    private long allocatedBytes;
    private final List<NodeProcess> procs = new ArrayList<>();
    private final List<String> jvmExtra = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        final RegistryCluster b = new RegistryCluster();
        final List<String> moveArgs = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (MOVE_OPTIONS.contains(args[i])) { // the moves parts' own options (MovesBench)
                moveArgs.add(args[i]);
                moveArgs.add(args[i + 1]);
                continue;
            }
            final String v = args[i + 1];
            switch (args[i]) {
                case "--nodes" -> b.nodes = Integer.parseInt(v);
                case "--names" -> b.names = Integer.parseInt(v);
                case "--rounds" -> b.rounds = Integer.parseInt(v);
                case "--warmup-rounds" -> b.warmupRounds = Integer.parseInt(v);
                case "--max-warmup-rounds" -> b.maxWarmupRounds = Integer.parseInt(v);
                case "--warm-jit-ms" -> b.warmJitMs = Long.parseLong(v);
                case "--inflight" -> b.inflight = Integer.parseInt(v);
                case "--burst" -> b.burst = Integer.parseInt(v);
                case "--calls" -> b.calls = Long.parseLong(v);
                case "--call-inflight" -> b.callInflight = Integer.parseInt(v);
                case "--samples" -> b.samples = Integer.parseInt(v);
                case "--warmup" -> b.warmup = Integer.parseInt(v);
                case "--sync-names" -> b.syncNames = Integer.parseInt(v);
                case "--heap" -> {
                    b.heap = v;
                    moveArgs.add("--heap");
                    moveArgs.add(v);
                }
                case "--only" -> b.only = v;
                case "--jvm" -> {
                    b.jvmExtra.add(v);
                    moveArgs.add("--jvm");
                    moveArgs.add(v);
                }
                case "--threads" -> b.threads = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // rebalance, failover, handoff: each on its own fresh cluster (MovesBench)
        final List<String> moves = new ArrayList<>();
        final List<String> classic = new ArrayList<>();
        for (String part : b.only.split(",")) {
            (List.of("rebalance", "failover", "handoff").contains(part) ? moves : classic).add(part);
        }
        if (!classic.isEmpty()) {
            b.only = String.join(",", classic);
            b.run();
        }
        if (!moves.isEmpty()) {
            moveArgs.add("--only");
            moveArgs.add(String.join(",", moves));
            MovesBench.main(moveArgs.toArray(new String[0]));
        }
    }

    private static final java.util.Set<String> MOVE_OPTIONS = java.util.Set.of("--rebalance-names", "--failover-names",
        "--checkpoint-ms", "--rebalance-checkpoint-ms", "--handoff-state", "--handoff-rounds", "--settle-jit-ms");

    private void run() throws Exception {
        final Path work = Files.createTempDirectory("swarm-registry-bench");
        try {
            final List<Integer> ports = new ArrayList<>();
            for (int i = 0; i <= nodes; i++) {
                ports.add(NodeProcess.freeUdpPort());
            }
            procs.addAll(NodeProcess.startCluster(nodes, work, ports, heap, jvmExtra));
            System.out.printf("Registry cluster benchmark: %d node JVMs on 127.0.0.1, %d cores, heap %s each, load average %s%n",
                nodes, Runtime.getRuntime().availableProcessors(), heap, load());
            // Warm-up until the nodes' JIT has settled, as in a cluster that has run for a while: at least
            // --warmup-rounds, then until two rounds in a row each cost the nodes' compilers under --warm-jit-ms
            // (summed), at most --max-warmup-rounds. On 2 cores shared by 3 JVMs, C2 lags behind the rounds and
            // compiles (tier 2 -> 3 -> 4) through about 20 of them: with 5 warm-up rounds its compiling still
            // took 1.3-3 s of each measured round (benchmarks/README.md, fourth session of 2026-11-30).
            int warm = 0;
            int quiet = 0;
            while (warm < Math.max(1, warmupRounds) || quiet < 2 && warm < maxWarmupRounds) {
                warm++;
                final double[] rc = registerRound(warm == 1 ? "warm" : "warm" + warm, Math.max(names, 30_000)); // calls() uses "warm-"
                quiet = rc[2] < warmJitMs ? quiet + 1 : 0;
            }
            final int warmRounds = warm;
            if (only.contains("register")) {
                final List<Double> rates = new ArrayList<>();
                final List<Double> cpus = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    final double[] rc = registerRound("r" + r, names);
                    rates.add(rc[0]);
                    cpus.add(rc[1]);
                }
                rates.sort(null);
                cpus.sort(null);
                System.out.printf("registrations: median %,.0f/s over %d rounds after %d warm-up rounds, median CPU of the "
                    + "node JVMs %.1f us per registration (target >= 50,000/s; Swarm 7,300/s; Pekko sharding 2,000 entity "
                    + "starts/s)%n", rates.get(rates.size() / 2), rounds, warmRounds, cpus.get(cpus.size() / 2));
            }
            if (only.contains("converge")) {
                for (int r = 1; r <= rounds; r++) {
                    converge("b" + r);
                }
            }
            if (only.contains("calls")) {
                calls();
            }
            if (only.contains("sync") && syncNames > 0) {
                sync(work, ports.get(nodes));
            }
            System.out.println("load average at the end: " + load());
        } finally {
            for (NodeProcess p : procs) {
                p.close();
            }
            IoUtil.delete(work.toFile(), true);
        }
    }

    private List<String> all(String command, String prefix) {
        return NodeProcess.all(procs, command, prefix);
    }

    /**
     * {@code count} names {@code prefix-i}, node k registering i = k, k + nodes, ...; returns the aggregate rate
     * and the node JVMs' CPU in microseconds per registration.
     */
    private double[] registerRound(String prefix, int count) throws Exception {
        final long cpuBefore = cpuNanos();
        final long gcBefore = gcMillis;
        final long allocatedBefore = allocatedBytes;
        final java.util.Map<String, Long> threadsBefore = threadCpu;
        final long jitBefore = NodeProcess.jitMs(procs);
        for (int k = 0; k < procs.size(); k++) {
            procs.get(k).send("reg " + prefix + "- " + k + " " + count + " " + procs.size() + " " + inflight);
        }
        long ok = 0;
        long failed = 0;
        long start = Long.MAX_VALUE;
        long end = 0;
        final Histogram h = new Histogram(3);
        String error = null;
        for (NodeProcess p : procs) {
            final String[] a = p.expect("REG ").split(" ");
            ok += Long.parseLong(a[1]);
            failed += Long.parseLong(a[2]);
            start = Math.min(start, Long.parseLong(a[3]));
            end = Math.max(end, Long.parseLong(a[4]));
            h.add(RegNode.decode(a[5]));
            if (a.length > 6 && error == null) {
                error = a[6];
            }
        }
        final double rate = ok / ((end - start) / 1e9);
        final long cpu = cpuNanos() - cpuBefore;
        final long jit = NodeProcess.jitMs(procs) - jitBefore;
        System.out.printf("%-6s %,d names from %d nodes (%d in flight each): %,.0f registrations/s, latency p50 %.2f ms "
                + "p99 %.2f ms p99.9 %.2f ms max %.2f ms; CPU of the node JVMs %.1f us per registration (%.2f cores), %.1f KB allocated per registration, GC %d ms, JIT %d ms%s%n",
            prefix, ok, procs.size(), inflight, rate, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
            h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, cpu / 1e3 / Math.max(1, ok + failed),
            cpu / (double) (end - start), (allocatedBytes - allocatedBefore) / 1024.0 / Math.max(1, ok + failed),
            gcMillis - gcBefore, jit, failed == 0 ? "" : ", " + failed + " FAILED, first: " + error);
        if (threads) {
            final long registered = ok;
            final StringBuilder per = new StringBuilder("       CPU us per registration by thread (all nodes):");
            threadCpu.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(12)
                .forEach(e -> per.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / 1e3 / Math.max(1, registered))));
            System.out.println(per);
        }
        return new double[] {rate, cpu / 1e3 / Math.max(1, ok + failed), jit};
    }

    /** A burst of registrations; then the time from the last reply until every replica holds them all. */
    private void converge(String prefix) throws Exception {
        long before = -1;
        for (String s : all("size", "SIZE ")) {
            final long n = Long.parseLong(s.split(" ")[1]);
            if (before >= 0 && n != before) {
                System.out.println("  (replicas differ before the burst: " + before + " vs " + n + ")");
            }
            before = Math.max(before, n);
        }
        all("watch " + (before + burst), "WATCHING");
        for (int k = 0; k < procs.size(); k++) {
            procs.get(k).send("reg " + prefix + "- " + k + " " + burst + " " + procs.size() + " " + inflight);
        }
        long lastReply = 0;
        long ok = 0;
        long start = Long.MAX_VALUE;
        for (NodeProcess p : procs) {
            final String[] a = p.expect("REG ").split(" ");
            ok += Long.parseLong(a[1]);
            start = Math.min(start, Long.parseLong(a[3]));
            lastReply = Math.max(lastReply, Long.parseLong(a[4]));
        }
        long allHold = 0;
        final StringBuilder per = new StringBuilder();
        for (String s : all("watched", "WATCHED ")) {
            final long at = Long.parseLong(s.split(" ")[1]);
            if (at < 0) {
                throw new IllegalStateException("a replica did not reach " + (before + burst) + ": " + s);
            }
            allHold = Math.max(allHold, at);
            per.append(String.format(" %.2f", (at - lastReply) / 1e6));
        }
        System.out.printf("burst %s: %,d registrations from %d nodes in %.1f ms; every replica holds all %.2f ms after the "
            + "last reply (per node:%s ms) (target <= 50 ms; Swarm 110-178 ms)%n", prefix, ok, procs.size(),
            (lastReply - start) / 1e6, (allHold - lastReply) / 1e6, per);
    }

    private void calls() throws Exception {
        final String prefix = "warm-";
        final int pool = Math.max(names, 30_000);
        // Throughput: every node calls workers on the other nodes, many in flight.
        for (int r = 0; r < 3; r++) {
            final long n = r == 0 ? calls / 3 : calls;
            double sum = 0;
            for (String s : all("callrate " + prefix + " " + pool + " " + n + " " + callInflight, "CALLRATE ")) {
                sum += Double.parseDouble(s.split(" ")[1]);
            }
            System.out.printf("calls by name to other nodes%s: %,.0f calls/s over %d callers, %d in flight each "
                + "(target >= 100,000/s)%n", r == 0 ? " (warm-up)" : "", sum, procs.size(), callInflight);
        }
        // One caller: node1 calls a worker on another node; the bare Aeron floor between node1 and node2.
        final NodeProcess a = procs.get(0);
        final NodeProcess b = procs.get(1);
        for (int r = 0; r < 2; r++) {
            final String pongAt = b.ask("bare-pong", "BAREPONG ").split(" ")[1];
            final String pingAt = a.ask("bare-ping " + pongAt, "BAREPING ").split(" ")[1];
            b.ask("bare-connect " + pingAt, "BARECONNECTED");
            final Histogram bare = RegNode.decode(a.ask("bare-run " + warmup + " " + samples, "BARERTT ").split(" ")[1]);
            a.ask("bare-close", "BARECLOSED");
            b.ask("bare-close", "BARECLOSED");
            final Histogram ours = RegNode.decode(a.ask("calllat " + prefix + " " + pool + " " + warmup + " " + samples,
                "CALLLAT ").split(" ")[1]);
            System.out.printf("one caller, 32 B, %d samples: bare Aeron RTT p50 %.1f p99 %.1f us; call by name p50 %.1f "
                    + "p99 %.1f p99.9 %.1f us; p50 ratio %.2f (target <= 2)%n", samples, bare.getValueAtPercentile(50) / 1e3,
                bare.getValueAtPercentile(99) / 1e3, ours.getValueAtPercentile(50) / 1e3,
                ours.getValueAtPercentile(99) / 1e3, ours.getValueAtPercentile(99.9) / 1e3,
                (double) ours.getValueAtPercentile(50) / bare.getValueAtPercentile(50));
        }
    }

    /** Fills the cluster to {@code syncNames}, then a new node joins; time until its replica holds them all. */
    private void sync(Path work, int port) throws Exception {
        long have = Long.parseLong(procs.get(0).ask("size", "SIZE ").split(" ")[1]);
        final int chunk = 100_000;
        int c = 0;
        while (have < syncNames) {
            final int n = (int) Math.min(chunk, syncNames - have);
            registerRound("fill" + c++, n);
            have += n;
        }
        all("replica " + have + " 60000", "REPLICA ");
        final long hostHeap = Long.parseLong(procs.get(0).ask("heap", "HEAP ").split(" ")[1]);
        final List<Integer> seeds = new ArrayList<>();
        for (NodeProcess p : procs) {
            seeds.add(p.membershipPort);
        }
        final long launched = System.nanoTime();
        try (NodeProcess joiner = new NodeProcess("joiner", work, port, seeds, heap, jvmExtra)) {
            final long baseline = Long.parseLong(joiner.up[4]);
            final String[] r = joiner.ask("replica " + have + " 120000", "REPLICA ").split(" ");
            final long reached = Long.parseLong(r[1]);
            final String[] j = joiner.ask("joined", "JOINED ").split(" ");
            final long started = Long.parseLong(j[1]);
            final long firstPeer = Long.parseLong(j[2]);
            final long heapNow = Long.parseLong(joiner.ask("heap", "HEAP ").split(" ")[1]);
            if (reached < 0) {
                System.out.println("sync: the joiner did not reach " + have + " names in 120 s (has " + r[2] + ")");
                return;
            }
            System.out.printf("sync of a joining node, %,d names on %d nodes: replica complete %.0f ms after it first saw a "
                    + "peer (%.0f ms after its registry started, %.0f ms after launch) (target <= 10 s)%n", have,
                procs.size(), (reached - firstPeer) / 1e6, (reached - started) / 1e6, (reached - launched) / 1e6);
            System.out.printf("replica memory: %,d bytes heap after GC on the joiner (baseline %,d): %.0f B per name "
                    + "(target <= 200 B); a hosting node's heap: %,d bytes (%.0f B per name, workers included)%n", heapNow,
                baseline, (heapNow - baseline) / (double) have, hostHeap, hostHeap / (double) have);
        }
    }

    /** CPU time the node JVMs used so far, all together: the cost of a round whatever else runs on the machine. */
    private long cpuNanos() throws Exception {
        long sum = 0;
        long gc = 0;
        long allocated = 0;
        final java.util.Map<String, Long> perThread = new java.util.HashMap<>();
        for (String s : all("cpu", "CPU ")) {
            final String[] a = s.split(" ");
            sum += Long.parseLong(a[1]);
            if (a.length > 3) {
                gc += Long.parseLong(a[3]);
            }
            if (a.length > 4) {
                allocated += Long.parseLong(a[4]);
            }
            if (a.length > 2) {
                for (String kv : a[2].split(",")) {
                    final int eq = kv.lastIndexOf('=');
                    perThread.merge(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)), Long::sum);
                }
            }
        }
        threadCpu = perThread;
        gcMillis = gc;
        allocatedBytes = allocated;
        return sum;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}

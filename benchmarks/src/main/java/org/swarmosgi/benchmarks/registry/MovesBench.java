package org.swarmosgi.benchmarks.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.agrona.IoUtil;

/**
 * Worker moves over node JVMs on loopback ({@link RegNode}, workers of {@link BenchMoverType}: counters
 * that resume on handoff with their state and, with {@code --checkpoint-ms}, checkpoint), each part on a
 * fresh cluster:
 * <ol>
 * <li>{@code rebalance}: 3 nodes hold {@code --rebalance-names} workers (registered from all nodes, each
 * counted up once); a 4th node joins. The time from the first old node seeing it until the last moved
 * worker has its state on it; names moved against the ideal 1/4; every moved name then called on its new
 * host, its count checked.</li>
 * <li>{@code failover}: 3 nodes hold {@code --failover-names} workers that checkpoint every
 * {@code --checkpoint-ms}, each counted up once, a checkpoint interval and more passes; one node is killed
 * with -9. The time until every one of its workers answered a call from a survivor (node1 calls them
 * all from the kill on, again after each failure), and how many answered with their count.</li>
 * <li>{@code handoff}: one worker with {@code --handoff-state} bytes of state on a node, a caller calling it
 * back to back from another; the node drains, moving it. Time from its beginHandoff to the first message
 * the new instance handled; {@code --handoff-rounds} rounds, each on a fresh cluster.</li>
 * </ol>
 * <pre>java -cp benchmarks/target/benchmarks.jar org.swarmosgi.benchmarks.registry.MovesBench
 *     [--only rebalance,failover,handoff] [--rebalance-names 100000] [--failover-names 30000]
 *     [--checkpoint-ms 1000] [--rebalance-checkpoint-ms 0] [--handoff-state 1048576] [--handoff-rounds 3]
 *     [--inflight 1000] [--settle-jit-ms 30000] [--heap 2g] [--jvm option]</pre>
 * All timestamps are System.nanoTime (CLOCK_MONOTONIC: one clock for every process of the machine).
 */
public final class MovesBench {
    private String only = "rebalance,failover,handoff";
    private int rebalanceNames = 100_000;
    private int failoverNames = 30_000;
    private long checkpointMs = 1000;
    private long rebalanceCheckpointMs = 0;
    private int handoffState = 1 << 20;
    private int handoffRounds = 3;
    private int inflight = 1000;
    private long settleJitMs = 30_000;
    private String heap = "2g";
    private final List<String> jvmExtra = new ArrayList<>();
    private Path work;

    public static void main(String[] args) throws Exception {
        final MovesBench b = new MovesBench();
        for (int i = 0; i + 1 < args.length; i += 2) {
            final String v = args[i + 1];
            switch (args[i]) {
                case "--only" -> b.only = v;
                case "--rebalance-names" -> b.rebalanceNames = Integer.parseInt(v);
                case "--failover-names" -> b.failoverNames = Integer.parseInt(v);
                case "--checkpoint-ms" -> b.checkpointMs = Long.parseLong(v);
                case "--rebalance-checkpoint-ms" -> b.rebalanceCheckpointMs = Long.parseLong(v);
                case "--handoff-state" -> b.handoffState = Integer.parseInt(v);
                case "--handoff-rounds" -> b.handoffRounds = Integer.parseInt(v);
                case "--inflight" -> b.inflight = Integer.parseInt(v);
                case "--settle-jit-ms" -> b.settleJitMs = Long.parseLong(v);
                case "--heap" -> b.heap = v;
                case "--jvm" -> b.jvmExtra.add(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        b.run();
    }

    void run() throws Exception {
        work = Files.createTempDirectory("swarm-moves-bench");
        try {
            System.out.printf("Moves benchmark: node JVMs on 127.0.0.1, %d cores, heap %s each, load average %s%n",
                Runtime.getRuntime().availableProcessors(), heap, load());
            if (only.contains("rebalance")) {
                rebalance();
            }
            if (only.contains("failover")) {
                failover();
            }
            if (only.contains("handoff")) {
                for (int r = 1; r <= handoffRounds; r++) {
                    handoff(r);
                }
            }
            System.out.println("load average at the end: " + load());
        } finally {
            IoUtil.delete(work.toFile(), true);
        }
    }

    /** A cluster of fresh node JVMs named {@code node1..}, with room for {@code extra} more ports. */
    private final class Cluster implements AutoCloseable {
        final List<NodeProcess> procs = new ArrayList<>();
        final List<Integer> ports = new ArrayList<>();
        final List<String> jvm = new ArrayList<>(jvmExtra);

        Cluster(int nodes, int extra, long checkpoint) throws Exception {
            jvm.add("-Dbench.checkpoint.ms=" + checkpoint);
            for (int i = 0; i < nodes + extra; i++) {
                ports.add(NodeProcess.freeUdpPort());
            }
            procs.addAll(NodeProcess.startCluster(nodes, Files.createTempDirectory(work, "cluster"), ports, heap, jvm));
        }

        NodeProcess join() throws Exception {
            final List<Integer> seeds = new ArrayList<>();
            for (NodeProcess p : procs) {
                seeds.add(p.membershipPort);
            }
            final NodeProcess p = new NodeProcess("node" + (procs.size() + 1), work.resolve("join-" + System.nanoTime()),
                ports.get(procs.size()), seeds, heap, jvm);
            procs.add(p);
            return p;
        }

        List<String> all(String command, String prefix) {
            return NodeProcess.all(procs, command, prefix);
        }

        /** Registers {@code count} movers, node k registering i = k, k + nodes, ...; then counts each up once. */
        void fill(String prefix, int count, int pad) {
            final int nodes = procs.size();
            final long t0 = System.nanoTime();
            for (int k = 0; k < nodes; k++) {
                procs.get(k).send("mreg " + prefix + " " + k + " " + count + " " + nodes + " " + inflight + " " + pad);
            }
            long ok = 0;
            for (NodeProcess p : procs) {
                final String[] a = p.expect("MREG ").split(" ");
                ok += Long.parseLong(a[1]);
                if (!a[2].equals("0")) {
                    throw new IllegalStateException(p.name + ": " + a[2] + " registrations failed: " + String.join(" ", a));
                }
            }
            final long t1 = System.nanoTime();
            for (int k = 0; k < nodes; k++) {
                procs.get(k).send("mcall " + prefix + " " + k + " " + count + " " + nodes + " " + inflight + " i 1");
            }
            long counted = 0;
            for (NodeProcess p : procs) {
                counted += Long.parseLong(p.expect("MCALL ").split(" ")[3]);
            }
            System.out.printf("  %,d movers registered from %d nodes in %.1f s, %,d counted up to 1 in %.1f s%n", ok,
                nodes, (t1 - t0) / 1e9, counted, (System.nanoTime() - t1) / 1e9);
            if (counted != count) {
                throw new IllegalStateException("only " + counted + " of " + count + " counted up");
            }
        }

        long[] stats(NodeProcess p) {
            final String[] a = p.ask("mstats", "MSTATS ").split(" ");
            final long[] v = new long[a.length - 1];
            for (int i = 1; i < a.length; i++) {
                v[i - 1] = Long.parseLong(a[i]);
            }
            return v;
        }

        @Override
        public void close() {
            for (NodeProcess p : procs) {
                p.close();
            }
        }
    }

    // MSTATS fields (BenchMoverType.Stats.line)
    private static final int RUNNING = 0, BEGINS = 1, FIRST_BEGIN = 2, LAST_BEGIN = 3, HANDED_OFF = 4, LAST_HANDED_READY = 5,
        RESTARTED = 6, FROM_CKPT = 7, LAST_FAILOVER_READY = 8, BAD_STATE = 9, MOVED_START = 11, MOVED_READY = 12,
        MOVED_FIRST_MSG = 13, FIRST_HANDED_READY = 14, PENDING = 15;

    private void rebalance() throws Exception {
        System.out.printf("rebalance: 3 node JVMs, %,d movers (state: the count, 8 B; checkpoint interval %d ms), a 4th "
            + "joins; load average %s%n", rebalanceNames, rebalanceCheckpointMs, load());
        try (Cluster c = new Cluster(3, 1, rebalanceCheckpointMs)) {
            c.fill("rb-", rebalanceNames, 0);
            final NodeProcess node1 = c.procs.get(0);
            System.out.println("  placement before: " + node1.ask("snap rb- " + rebalanceNames, "SNAP ").substring(5));
            NodeProcess.settleJit(c.procs, settleJitMs, "old nodes'");
            c.all("mreset", "MRESET");
            final List<NodeCpu> cpuBefore = cpu(c);
            final long launched = System.nanoTime();
            final NodeProcess joiner = c.join();
            final long synced = Long.parseLong(joiner.ask("replica " + rebalanceNames + " 120000", "REPLICA ").split(" ")[1]);
            final StringBuilder timeline = new StringBuilder();
            // Settled: no old node has a move under way, queued or due, every worker that began a handoff has its
            // state on the new node, and that stays so for 1 s.
            long stableSince = 0;
            long lastMoved = -1;
            long begins = 0;
            long moved = 0;
            boolean settled = false;
            final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < giveUp) {
                begins = 0;
                long pending = 0;
                for (int i = 0; i < 3; i++) {
                    final long[] s = c.stats(c.procs.get(i));
                    begins += s[BEGINS];
                    pending += s[PENDING];
                }
                moved = c.stats(joiner)[HANDED_OFF];
                timeline.append(String.format(" %.1f:%d/%d/%d", (System.nanoTime() - launched) / 1e9, begins, moved, pending));
                if (moved > 0 && moved == begins && moved == lastMoved && pending == 0) {
                    if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
                        settled = true;
                        break;
                    }
                } else {
                    stableSince = System.nanoTime();
                }
                lastMoved = moved;
                Thread.sleep(100);
            }
            final List<NodeCpu> cpuAfter = cpu(c);
            final long window = System.nanoTime() - launched;
            long seen = Long.MAX_VALUE;
            long firstBegin = Long.MAX_VALUE;
            long badState = 0;
            for (int i = 0; i < 3; i++) {
                final long up = Long.parseLong(c.procs.get(i).ask("upat " + joiner.name, "UPAT ").split(" ")[1]);
                seen = Math.min(seen, up == 0 ? Long.MAX_VALUE : up);
                final long fb = c.stats(c.procs.get(i))[FIRST_BEGIN];
                firstBegin = fb == 0 ? firstBegin : Math.min(firstBegin, fb);
            }
            final long[] j = c.stats(joiner);
            badState = j[BAD_STATE];
            final long ready = j[LAST_HANDED_READY];
            System.out.printf("  %,d began a handoff on the old nodes, %,d resumed on %s (%d with a wrong state); %s%n",
                begins, moved, joiner.name, badState, settled ? "settled" : "NOT settled after 120 s");
            System.out.printf("  rebalance: the last moved worker had its state on %s %.0f ms after an old node first "
                    + "saw it (target <= 2 s; Pekko 4.7 s for 19.8k), %.0f ms after its launch; first beginHandoff %.0f ms"
                    + " after it was seen%n", joiner.name, (ready - seen) / 1e6, (ready - launched) / 1e6,
                (firstBegin - seen) / 1e6);
            System.out.printf("  %s's replica held every name %.0f ms after an old node first saw it; the first moved worker"
                + " had its state there %.0f ms after%n", joiner.name, (synced - seen) / 1e6, (j[FIRST_HANDED_READY] - seen) / 1e6);
            System.out.println("  progress (s after launch: handoffs begun/resumed on the new node/moves pending on the old):" + timeline);
            printCpu(c, cpuBefore, cpuAfter, window);
            System.out.printf("  names moved: %,d of %,d = %.4f of all, %.3f x the ideal 1/4 (target <= 1.05 x; Pekko "
                + "1.15-1.17 x)%n", moved, rebalanceNames, moved / (double) rebalanceNames, moved / (rebalanceNames / 4.0));
            // node1's view, then every moved name called on its new host: its count kept?
            final long t0 = System.nanoTime();
            String diff = node1.ask("diff", "DIFF ");
            while (Long.parseLong(diff.split(" ")[1]) != moved && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                Thread.sleep(100);
                diff = node1.ask("diff", "DIFF ");
            }
            System.out.println("  node1's view: changed, missing, where now: " + diff.substring(5));
            final String[] cs = node1.ask("callset moved 256 1 5000 60000", "CALLSET ").split(" ");
            System.out.printf("  moved names called from node1: %s of %s answered from their new host, %s with the "
                + "count they had (1), %s retries%n", cs[2], cs[1], cs[3], cs[6]);
        }
    }

    /** One node's CPU so far: the process's ns, and each Java thread's by name (empty for a node not started yet). */
    private record NodeCpu(long process, Map<String, Long> threads) {
        long javaThreads() {
            return threads.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static List<NodeCpu> cpu(Cluster c) {
        final List<NodeCpu> v = new ArrayList<>();
        for (NodeProcess p : c.procs) {
            final String[] a = p.ask("cpu", "CPU ").split(" ");
            final Map<String, Long> threads = new HashMap<>();
            for (String t : a[2].split(",")) {
                final int eq = t.lastIndexOf('=');
                threads.merge(t.substring(0, eq), Long.parseLong(t.substring(eq + 1)), Long::sum);
            }
            v.add(new NodeCpu(Long.parseLong(a[1]), threads));
        }
        return v;
    }

    /**
     * Where the node JVMs' CPU went from the joiner's launch until settled: their Java threads (registry,
     * transport, workers, ...; the busiest three of each node named) and the rest (JIT compiler threads, GC
     * threads, the VM).
     */
    private static void printCpu(Cluster c, List<NodeCpu> before, List<NodeCpu> after, long windowNs) {
        final StringBuilder b = new StringBuilder();
        double total = 0;
        double java = 0;
        for (int i = 0; i < after.size(); i++) {
            final NodeCpu was = i < before.size() ? before.get(i) : new NodeCpu(0, Map.of());
            final NodeCpu now = after.get(i);
            final double proc = (now.process() - was.process()) / 1e9;
            final double threads = (now.javaThreads() - was.javaThreads()) / 1e9;
            total += proc;
            java += threads;
            final String busiest = now.threads().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - was.threads().getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / 1e9)).collect(Collectors.joining(", "));
            b.append(String.format(" %s %.2f (Java threads %.2f: %s; JIT/GC/VM %.2f);", c.procs.get(i).name, proc, threads,
                busiest, proc - threads));
        }
        final int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("  CPU of the node JVMs from the launch until settled (%.1f s, %.1f CPU s on %d cores): %.2f s, Java"
            + " threads %.2f, JIT/GC/VM %.2f;%s%n", windowNs / 1e9, windowNs / 1e9 * cores, cores, total, java, total - java, b);
    }

    private void failover() throws Exception {
        System.out.printf("failover: 3 node JVMs, %,d movers checkpointing every %d ms, kill -9 of node3; load average %s%n",
            failoverNames, checkpointMs, load());
        try (Cluster c = new Cluster(3, 0, checkpointMs)) {
            c.fill("fo-", failoverNames, 0);
            // The count (1) reaches the successors with the next checkpoint round.
            Thread.sleep(2 * Math.max(checkpointMs, 100) + 500);
            final NodeProcess node1 = c.procs.get(0);
            final NodeProcess victim = c.procs.get(2);
            final String placement = node1.ask("snap fo- " + failoverNames, "SNAP ").substring(5);
            final long victims = c.stats(victim)[RUNNING];
            System.out.printf("  placement: %s; %s runs %,d; checkpoints taken so far per node: %d, %d, %d%n", placement,
                victim.name, victims, c.stats(c.procs.get(0))[10], c.stats(c.procs.get(1))[10], c.stats(victim)[10]);
            c.procs.get(0).ask("mreset", "MRESET");
            c.procs.get(1).ask("mreset", "MRESET");
            final long killed = System.nanoTime();
            victim.kill();
            c.procs.remove(victim);
            victim.close();
            final String[] cs = node1.ask("callset from:" + victim.name + " 256 1 250 60000", "CALLSET ").split(" ");
            long restarted = 0;
            long fromCkpt = 0;
            long ready = 0;
            long bad = 0;
            for (NodeProcess p : c.procs) {
                final long[] s = c.stats(p);
                restarted += s[RESTARTED];
                fromCkpt += s[FROM_CKPT];
                ready = Math.max(ready, s[LAST_FAILOVER_READY]);
                bad += s[BAD_STATE];
            }
            final long last = Long.parseLong(cs[4]);
            System.out.printf("  %s of %s workers of %s answered node1 again, the last %.0f ms after the kill (median %.0f "
                    + "ms) (target <= 3 s with detection; Swarm 3.4 35-52 s, Pekko 13-53 s); calls began %.0f ms after the "
                    + "kill; %s retries (kind:count@first-last ms after they began: %s)%n", cs[2], cs[1],
                victim.name, (last - killed) / 1e6, (Long.parseLong(cs[5]) - killed) / 1e6,
                (Long.parseLong(cs[7]) - killed) / 1e6, cs[6], cs[8]);
            System.out.printf("  on the survivors: %,d started from their checkpoint, %,d restarted from scratch, %d with a"
                + " wrong state; the last ready %.0f ms after the kill%n", fromCkpt, restarted, bad, (ready - killed) / 1e6);
            System.out.printf("  kept their checkpointed count (1): %s of %s (%.1f %%; target 100 %%)%n", cs[3], cs[1],
                100.0 * Long.parseLong(cs[3]) / Math.max(1, Long.parseLong(cs[1])));
        }
    }

    private void handoff(int round) throws Exception {
        try (Cluster c = new Cluster(3, 0, 0)) {
            final NodeProcess caller = c.procs.get(0);
            // A worker on another node than the caller: names are tried until one lands elsewhere.
            String name = null;
            NodeProcess host = null;
            for (int k = 0; host == null; k++) {
                final String candidate = "big-" + k;
                final String[] a = caller.ask("mreg big- " + k + " " + (k + 1) + " 1 1 " + (handoffState - 8), "MREG ")
                    .split(" ");
                if (!a[1].equals("1")) {
                    throw new IllegalStateException("registering " + candidate + " failed: " + String.join(" ", a));
                }
                final String where = caller.ask("where " + candidate, "WHERE ").split(" ")[1];
                for (NodeProcess p : c.procs.subList(1, 3)) {
                    if (p.name.equals(where)) {
                        host = p;
                        name = candidate;
                    }
                }
            }
            caller.ask("mcall big- " + name.substring(4) + " " + (Integer.parseInt(name.substring(4)) + 1) + " 1 1 i 1",
                "MCALL ");
            c.all("mreset", "MRESET");
            caller.ask("probe-start " + name, "PROBING");
            Thread.sleep(300);
            final String[] d = host.ask("drain 30000", "DRAINED ").split(" ");
            final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            NodeProcess target = null;
            long[] t = null;
            while (target == null && System.nanoTime() < giveUp) {
                for (NodeProcess p : c.procs) {
                    final long[] s = c.stats(p);
                    if (s[MOVED_FIRST_MSG] != 0) {
                        target = p;
                        t = s;
                    }
                }
                Thread.sleep(20);
            }
            final String[] probe = caller.ask("probe-stop", "PROBE ").split(" ");
            final long begin = c.stats(host)[LAST_BEGIN];
            if (target == null) {
                System.out.printf("handoff round %d: %s (state %,d B) on %s: no new instance handled a message within 30 s "
                    + "of the drain; drained in %.0f ms; caller: %s calls, %s failed%n", round, name, handoffState, host.name,
                    (Long.parseLong(d[2]) - Long.parseLong(d[1])) / 1e6, probe[1], probe[2]);
                return;
            }
            System.out.printf("handoff round %d: %s (state %,d B) %s -> %s: beginHandoff -> new instance started %.2f ms, "
                    + "has its state %.2f ms, first message handled %.2f ms; drain done %.2f ms after it began; caller: %s "
                    + "calls back to back, %s failed, %s with a wrong count, longest %.2f ms; load %s%n", round, name,
                handoffState, host.name, target.name, (t[MOVED_START] - begin) / 1e6, (t[MOVED_READY] - begin) / 1e6,
                (t[MOVED_FIRST_MSG] - begin) / 1e6, (Long.parseLong(d[2]) - Long.parseLong(d[1])) / 1e6, probe[1], probe[2],
                probe[5], Long.parseLong(probe[3]) / 1e6, load());
        }
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}

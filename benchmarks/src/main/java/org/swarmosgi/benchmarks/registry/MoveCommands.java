package org.swarmosgi.benchmarks.registry;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.WorkerRef;

/**
 * The moves benchmark's commands to a node JVM ({@link RegNode#main}), one line each, one answer line:
 * <ul>
 * <li>{@code mreg <prefix> <from> <to> <step> <inflight> <pad>} -> {@code MREG ok failed startNs endNs [error]}:
 * registers {@link BenchMoverType} workers with {@code pad} bytes of state besides the count</li>
 * <li>{@code mcall <prefix> <from> <to> <step> <inflight> <i|g> <expect>} -> {@code MCALL ok failed matched}:
 * calls each once; matched = replies whose count is {@code expect}</li>
 * <li>{@code where <name>} -> {@code WHERE <node name|->}</li>
 * <li>{@code snap <prefix> <n>} -> {@code SNAP node=count,...}: notes where each name is now</li>
 * <li>{@code diff} -> {@code DIFF changed missing node=count,...}: names whose worker is not the noted one,
 * and where they are now</li>
 * <li>{@code callset <moved|from:node> <inflight> <expect> <callTimeoutMs> <giveUpMs>} -> {@code CALLSET names
 * answered matched lastAnswerNs medianAnswerNs failures}: calls ({@code g}) every name that moved since the
 * snapshot (answer wanted from the node now holding it) or that the snapshot placed on {@code node} (answer
 * wanted from any other node), again after each failure or wrong answer, until each answered</li>
 * <li>{@code mstats} -> {@code MSTATS} {@link BenchMoverType.Stats#line()} and the registry's moves pending;
 * {@code mreset} -> {@code MRESET}</li>
 * <li>{@code upat <node name>} -> {@code UPAT <nanoTime it was seen up, 0 if not>}</li>
 * <li>{@code jit} -> {@code JIT <ms the JIT compilers have spent so far>}</li>
 * <li>{@code drain <ms>} -> {@code DRAINED startNs endNs}</li>
 * <li>{@code probe-start <name>} -> {@code PROBING}: one caller, one {@code g} call at a time, until
 * {@code probe-stop} -> {@code PROBE calls failed maxLatencyNs maxEndNs badCounts}</li>
 * </ul>
 */
final class MoveCommands {
    private static final Duration TIMEOUT = RegNode.TIMEOUT;
    private final RegNode n;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "bench-retry");
        t.setDaemon(true);
        return t;
    });
    private String[] snapNames = new String[0];
    private WorkerRef[] snapRefs = new WorkerRef[0];
    private Thread prober;
    private volatile boolean probing;
    private final AtomicLong probeCalls = new AtomicLong();
    private final AtomicLong probeFailed = new AtomicLong();
    private final AtomicLong probeBad = new AtomicLong();
    private volatile long probeMaxNs;
    private volatile long probeMaxEndNs;

    MoveCommands(RegNode n) {
        this.n = n;
    }

    /** Runs a command of this set; false when it is not one. */
    boolean command(String[] a, PrintStream out) throws Exception {
        switch (a[0]) {
            case "mreg" -> {
                final RegNode.Batch b = n.register(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                    Integer.parseInt(a[4]), Integer.parseInt(a[5]), BenchMoverType.TYPE,
                    BenchMoverType.args(Integer.parseInt(a[6])));
                out.println("MREG " + b.ok() + " " + b.failed() + " " + b.startNs() + " " + b.endNs()
                    + (b.firstError() == null ? "" : " " + b.firstError().replace(' ', '_')));
            }
            case "mcall" -> out.println("MCALL " + callEach(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                Integer.parseInt(a[4]), Integer.parseInt(a[5]), (byte) a[6].charAt(0), Long.parseLong(a[7])));
            case "where" -> out.println("WHERE " + n.registry.whereis(a[1]).map(r -> r.node().name()).orElse("-"));
            case "snap" -> out.println("SNAP " + snap(a[1], Integer.parseInt(a[2])));
            case "diff" -> out.println("DIFF " + diff());
            case "callset" -> out.println("CALLSET " + callSet(a[1], Integer.parseInt(a[2]), Long.parseLong(a[3]),
                Long.parseLong(a[4]), Long.parseLong(a[5])));
            case "mstats" -> out.println("MSTATS " + BenchMoverType.Stats.line() + " " + n.probe.movesPending());
            case "mreset" -> {
                BenchMoverType.Stats.reset();
                out.println("MRESET");
            }
            case "upat" -> out.println("UPAT " + n.upAt.getOrDefault(a[1], 0L));
            case "jit" -> out.println("JIT " + java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
            case "drain" -> {
                final long t0 = System.nanoTime();
                n.registry.drain(Duration.ofMillis(Long.parseLong(a[1]))).toCompletableFuture().join();
                out.println("DRAINED " + t0 + " " + System.nanoTime());
            }
            case "probe-start" -> {
                probeStart(a[1]);
                out.println("PROBING");
            }
            case "probe-stop" -> {
                probing = false;
                prober.join();
                out.println("PROBE " + probeCalls.get() + " " + probeFailed.get() + " " + probeMaxNs + " " + probeMaxEndNs
                    + " " + probeBad.get());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private String callEach(String prefix, int from, int to, int step, int inflight, byte op, long expect)
        throws InterruptedException {
        final Semaphore window = new Semaphore(inflight);
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong matched = new AtomicLong();
        final byte[] msg = {op};
        for (int i = from; i < to; i += step) {
            window.acquire();
            n.registry.call(prefix + i, msg, Codec.BYTES, Codec.BYTES, TIMEOUT).whenComplete((r, e) -> {
                if (e == null) {
                    ok.incrementAndGet();
                    if (ByteBuffer.wrap(r).getLong() == expect) {
                        matched.incrementAndGet();
                    }
                } else {
                    failed.incrementAndGet();
                }
                window.release();
            });
        }
        window.acquire(inflight);
        return ok.get() + " " + failed.get() + " " + matched.get();
    }

    private String snap(String prefix, int count) {
        snapNames = new String[count];
        snapRefs = new WorkerRef[count];
        final Map<String, Integer> hosts = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            snapNames[i] = prefix + i;
            snapRefs[i] = n.registry.whereis(snapNames[i]).orElse(null);
            hosts.merge(snapRefs[i] == null ? "-" : snapRefs[i].node().name(), 1, Integer::sum);
        }
        return counts(hosts);
    }

    private String diff() {
        int changed = 0;
        int missing = 0;
        final Map<String, Integer> to = new TreeMap<>();
        for (int i = 0; i < snapNames.length; i++) {
            final Optional<WorkerRef> now = n.registry.whereis(snapNames[i]);
            if (now.isEmpty()) {
                missing++;
            } else if (!now.get().equals(snapRefs[i])) {
                changed++;
                to.merge(now.get().node().name(), 1, Integer::sum);
            }
        }
        return changed + " " + missing + " " + counts(to);
    }

    private static String counts(Map<String, Integer> m) {
        final StringBuilder s = new StringBuilder();
        m.forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return s.length() == 0 ? "none" : s.toString();
    }

    /** Calls each name of the set until it answers from where it should; see the class comment. */
    private String callSet(String which, int inflight, long expect, long callTimeoutMs, long giveUpMs)
        throws InterruptedException {
        final List<Integer> set = new ArrayList<>();
        final String from = which.startsWith("from:") ? which.substring(5) : null;
        for (int i = 0; i < snapNames.length; i++) {
            if (from != null) {
                if (snapRefs[i] != null && snapRefs[i].node().name().equals(from)) {
                    set.add(i);
                }
            } else {
                final Optional<WorkerRef> now = n.registry.whereis(snapNames[i]);
                if (now.isPresent() && !now.get().equals(snapRefs[i])) {
                    set.add(i);
                }
            }
        }
        final int avoid = from == null ? -1 : RegNode.nodeNumber(from);
        final long[] answeredAt = new long[set.size()];
        final AtomicInteger answered = new AtomicInteger();
        final AtomicLong matched = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final java.util.concurrent.ConcurrentHashMap<String, long[]> why = new java.util.concurrent.ConcurrentHashMap<>();
        final long began = System.nanoTime();
        final ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
        for (int k = 0; k < set.size(); k++) {
            queue.add(k);
        }
        final Semaphore window = new Semaphore(inflight);
        final byte[] msg = {BenchMoverType.GET};
        final Duration callTimeout = Duration.ofMillis(callTimeoutMs);
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(giveUpMs);
        while (answered.get() < set.size() && System.nanoTime() < end) {
            final Integer k = queue.poll();
            if (k == null) {
                LockSupport.parkNanos(100_000);
                continue;
            }
            window.acquire();
            final String name = snapNames[set.get(k)];
            n.registry.call(name, msg, Codec.BYTES, Codec.BYTES, callTimeout).whenComplete((r, e) -> {
                final long now = System.nanoTime();
                boolean good = false;
                if (e == null) {
                    final ByteBuffer b = ByteBuffer.wrap(r);
                    final long count = b.getLong();
                    final int node = b.getInt();
                    good = from != null ? node != avoid
                        : n.registry.whereis(name).map(ref -> RegNode.nodeNumber(ref.node().name()) == node).orElse(false);
                    if (good) {
                        answeredAt[k] = now;
                        answered.incrementAndGet();
                        if (count == expect) {
                            matched.incrementAndGet();
                        }
                    }
                }
                if (!good) {
                    failures.incrementAndGet();
                    Throwable c = e;
                    while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                        c = c.getCause();
                    }
                    // per kind: count, first and last (ms after the command began)
                    final long[] w = why.computeIfAbsent(c == null ? "wrong-node" : c.getClass().getSimpleName(),
                        x -> new long[] {0, (now - began) / 1_000_000, 0});
                    synchronized (w) {
                        w[0]++;
                        w[2] = (now - began) / 1_000_000;
                    }
                    later.schedule(() -> queue.add(k), 20, TimeUnit.MILLISECONDS);
                }
                window.release();
            });
        }
        window.acquire(inflight);
        final long[] sorted = Arrays.stream(answeredAt).filter(t -> t > 0).sorted().toArray();
        final long last = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        final long median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        final StringBuilder kinds = new StringBuilder();
        why.forEach((k, w) -> kinds.append(kinds.length() == 0 ? "" : ",").append(k).append(':').append(w[0]).append('@')
            .append(w[1]).append('-').append(w[2]).append("ms"));
        return set.size() + " " + answered.get() + " " + matched.get() + " " + last + " " + median + " " + failures.get()
            + " " + began + " " + (kinds.length() == 0 ? "none" : kinds);
    }

    private void probeStart(String name) {
        probeCalls.set(0);
        probeFailed.set(0);
        probeBad.set(0);
        probeMaxNs = 0;
        probeMaxEndNs = 0;
        probing = true;
        final byte[] msg = {BenchMoverType.GET};
        final long expect = n.registry.call(name, msg, Codec.BYTES, Codec.BYTES, TIMEOUT).toCompletableFuture()
            .thenApply(r -> ByteBuffer.wrap(r).getLong()).join();
        prober = new Thread(() -> {
            while (probing) {
                final long t0 = System.nanoTime();
                try {
                    final byte[] r = n.registry.call(name, msg, Codec.BYTES, Codec.BYTES, TIMEOUT).toCompletableFuture().join();
                    if (ByteBuffer.wrap(r).getLong() != expect) {
                        probeBad.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    probeFailed.incrementAndGet();
                }
                final long t1 = System.nanoTime();
                probeCalls.incrementAndGet();
                if (t1 - t0 > probeMaxNs) {
                    probeMaxNs = t1 - t0;
                    probeMaxEndNs = t1;
                }
            }
        }, "bench-probe");
        prober.setDaemon(true);
        prober.start();
    }
}

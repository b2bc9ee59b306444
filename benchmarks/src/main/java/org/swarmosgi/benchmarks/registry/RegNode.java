package org.swarmosgi.benchmarks.registry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.WorkerType;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.container.internal.ContainerSettings;
import org.swarmosgi.container.internal.LocalWorkerHost;
import org.swarmosgi.membership.core.AdmissionFilter;
import org.swarmosgi.membership.core.Delivery;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.MembershipEngine;
import org.swarmosgi.membership.core.Timing;
import org.swarmosgi.node.internal.StandaloneNode;
import org.swarmosgi.registry.internal.RegistryComponent;
import org.swarmosgi.registry.internal.RegistryProbe;
import org.swarmosgi.transport.aeron.internal.AeronTransportEngine;
import org.swarmosgi.transport.aeron.internal.TransportSettings;

/**
 * One real node without OSGi: {@link StandaloneNode}, an {@link AeronTransportEngine}, a unicast
 * {@link MembershipEngine} on loopback (static seeds; none = a single node), a {@link LocalWorkerHost}
 * offering the counter-like type {@value #TYPE}, and the {@link RegistryComponent} over them, wired as
 * the OSGi components wire them. Run as a child JVM ({@link #main}) it obeys one command per stdin line
 * and answers on stdout (see {@link #command}); a benchmark may also build one in its own JVM.
 */
public final class RegNode implements AutoCloseable {
    public static final String TYPE = "bench-counter";
    static final String CLUSTER = "regbench";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final LocalNode node;
    final AeronTransportEngine transport;
    final MembershipEngine membership;
    final LocalWorkerHost host;
    final RegistryComponent registry;
    final RegistryProbe probe;
    final long startedNs = System.nanoTime();
    volatile long firstPeerUpNs;
    /** When each member (by node name) was last seen up. */
    final java.util.concurrent.ConcurrentHashMap<String, Long> upAt = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile long watched;

    /** @param membershipPort this node's membership UDP port; {@code seeds} the others' (empty: alone) */
    public RegNode(String name, Path work, int membershipPort, List<InetSocketAddress> seeds) throws Exception {
        node = StandaloneNode.of(name, CLUSTER, "regbench-secret-0123456789abcdef", "static", work);
        transport = AeronTransportEngine.start(transportSettings(TransportSettings.defaults(node.id(), CLUSTER,
            node.deriveKey("transport"), "127.0.0.1", 0, work.resolve("aeron"))));
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        membership = MembershipEngine.start(new EngineConfig(CLUSTER, node.id(), transport.localEndpoint(),
            node.deriveKey("membership"), Timing.DEFAULTS), new Delivery.Unicast(new InetSocketAddress(loopback,
            membershipPort), loopback, true), AdmissionFilter.ANY);
        // As AeronTransportComponent does: open streams to members, release them when they go.
        membership.subscribe(new MembershipListener() {
            @Override
            public void memberUp(Member member) {
                final long now = System.nanoTime();
                if (firstPeerUpNs == 0) {
                    firstPeerUpNs = now;
                }
                upAt.put(member.id().name(), now);
                transport.connectLater(member);
            }

            @Override
            public void memberDown(Member member, DownReason reason) {
                transport.release(member, member.id() + " " + reason);
            }
        });
        if (!seeds.isEmpty()) {
            membership.setTargets(seeds);
        }
        host = new LocalWorkerHost(node.id(), node.roles(), ContainerSettings.DEFAULTS);
        host.addType(new BenchCounterType(), Map.of(WorkerType.WORKER_TYPE, TYPE, "service.id", 1L, "service.bundleid", 0L));
        host.addType(new BenchMoverType(nodeNumber(name), Duration.ofMillis(Long.getLong("bench.checkpoint.ms", 0))),
            Map.of(WorkerType.WORKER_TYPE, BenchMoverType.TYPE, "service.id", 2L, "service.bundleid", 0L));
        registry = new RegistryComponent(node, transport, membership, host, RegistryProbe.defaults());
        probe = new RegistryProbe(registry);
    }

    /** The defaults, with {@code connect.timeout.ms} from {@code -Dbench.transport.connect.ms} when set. */
    private static TransportSettings transportSettings(TransportSettings d) {
        final Long connectMs = Long.getLong("bench.transport.connect.ms");
        if (connectMs == null) {
            return d;
        }
        return new TransportSettings(d.nodeId(), d.clusterName(), d.key(), d.bindHost(), d.port(), d.advertiseHost(),
            d.aeronDir(), d.externalDriver(), d.threading(), d.idle(), d.maxParkNs(), d.termLength(), d.chunkSize(),
            d.maxPayload(), d.callTimeout(), d.sendRetryTimeout(), Duration.ofMillis(connectMs), d.helloWindow(),
            d.callbackThreads(), d.streamSessionLimit(), d.reassemblyMaxBytes(), d.transferTimeout());
    }

    /** The digits of a node name ("node4" -> 4), 0 when it has none. */
    static int nodeNumber(String name) {
        final String digits = name.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    @Override
    public void close() {
        probe.close();
        host.close();
        membership.close();
        transport.close();
    }

    /** Waits until the registry sees {@code nodes} nodes and is ready. */
    void awaitCluster(int nodes, long timeoutMs) throws InterruptedException {
        final long end = System.currentTimeMillis() + timeoutMs;
        while (registry.nodes().size() < nodes || !registry.ready()) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException(node.id() + " sees " + registry.nodes() + ", ready " + registry.ready());
            }
            Thread.sleep(5);
        }
    }

    // ------------------------------------------------------------------------------------ workloads

    /** Outcome of a batch of registrations: count, failures, start and end (nanoTime), latencies. */
    record Batch(long ok, long failed, long startNs, long endNs, Histogram latency, String firstError) {
        double perSecond() {
            return ok / ((endNs - startNs) / 1e9);
        }
    }

    /** Registers names {@code prefix + i} for i = from, from+step, ... below to, at most {@code inflight} at once. */
    Batch register(String prefix, int from, int to, int step, int inflight) throws InterruptedException {
        return register(prefix, from, to, step, inflight, TYPE, new byte[0]);
    }

    /** As {@link #register(String, int, int, int, int)}, workers of {@code type} started with {@code args}. */
    Batch register(String prefix, int from, int to, int step, int inflight, String type, byte[] args)
        throws InterruptedException {
        final Semaphore window = new Semaphore(inflight);
        final Recorder recorder = new Recorder(3);
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final String[] firstError = new String[1];
        final long start = System.nanoTime();
        for (int i = from; i < to; i += step) {
            window.acquire();
            final long t0 = System.nanoTime();
            registry.register(prefix + i, type, args, TIMEOUT).whenComplete((ref, e) -> {
                recorder.recordValue(System.nanoTime() - t0);
                if (e == null) {
                    ok.incrementAndGet();
                } else {
                    if (failed.getAndIncrement() == 0) {
                        firstError[0] = String.valueOf(e);
                    }
                }
                window.release();
            });
        }
        window.acquire(inflight);
        final long end = System.nanoTime();
        return new Batch(ok.get(), failed.get(), start, end, recorder.getIntervalHistogram(), firstError[0]);
    }

    /** Names among {@code prefix + i} (i below {@code names}) whose worker runs on another node. */
    List<String> remoteNames(String prefix, int names, int want) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < names && out.size() < want; i++) {
            final Optional<WorkerRef> ref = registry.whereis(prefix + i);
            if (ref.isPresent() && !ref.get().node().equals(node.id())) {
                out.add(prefix + i);
            }
        }
        return out;
    }

    /** {@code total} calls by name spread over {@code names}, {@code inflight} at once; returns calls/s. */
    double callThroughput(List<String> names, long total, int inflight) throws InterruptedException {
        final Semaphore window = new Semaphore(inflight);
        final AtomicLong failed = new AtomicLong();
        final byte[] msg = new byte[32];
        final long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            window.acquire();
            registry.call(names.get((int) (i % names.size())), msg, Codec.BYTES, Codec.BYTES, TIMEOUT)
                .whenComplete((r, e) -> {
                    if (e != null && failed.getAndIncrement() == 0) {
                        e.printStackTrace();
                    }
                    window.release();
                });
        }
        window.acquire(inflight);
        final double rate = total / ((System.nanoTime() - start) / 1e9);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " calls failed");
        }
        return rate;
    }

    /** One caller, one call at a time, by name: round-trip latency. */
    Histogram callLatency(String name, int warmup, int samples) {
        final byte[] msg = new byte[32];
        final Histogram h = new Histogram(3);
        for (int i = 0; i < warmup + samples; i++) {
            final long t0 = System.nanoTime();
            registry.call(name, msg, Codec.BYTES, Codec.BYTES, TIMEOUT).toCompletableFuture().join();
            if (i >= warmup) {
                h.recordValue(System.nanoTime() - t0);
            }
        }
        return h;
    }

    /** Polls until the replica resolves at least {@code n} names; returns the nanoTime it saw them. */
    long awaitReplica(long n, long timeoutMs) {
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            final long now = System.nanoTime();
            if (probe.replicaSize() >= n) {
                return now;
            }
            if (now > end) {
                return -1;
            }
            // 1 ms: finer polling took a few tenths of a CPU second from the node it measures during a join.
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** CPU time of every thread of this JVM so far (JIT and GC included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Bytes the live threads allocated so far. */
    static long allocatedBytes() {
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** Milliseconds the collectors took so far (pauses, for G1's young and full collections). */
    static long gcMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /** CPU time per live thread so far, as {@code name=ns,...} (node names taken out, so nodes add up). */
    static String threadCpuNanos() {
        final java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final StringBuilder s = new StringBuilder();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            final long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                s.append(s.length() == 0 ? "" : ",").append(t.getThreadName().replaceAll("node[0-9]+", "N")
                    .replaceAll("[ ,=]", "_")).append('=').append(ns);
            }
        }
        return s.toString();
    }

    static String encode(Histogram h) {
        final ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        h.encodeIntoCompressedByteBuffer(b);
        b.flip();
        final byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Histogram decode(String s) throws java.util.zip.DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(s)), 0);
    }

    // ------------------------------------------------------------------------------------ child JVM

    /**
     * Arguments: name workDir membershipPort [seedPort,seedPort...]. Prints {@code UP <name> <incarnation>}
     * once running, then per command line one answer line:
     * <ul>
     * <li>{@code await <nodes>} -> {@code CLUSTER}: this node sees that many nodes and is ready</li>
     * <li>{@code reg <prefix> <from> <to> <step> <inflight>} -> {@code REG ok failed startNs endNs histogram}</li>
     * <li>{@code replica <n> <timeoutMs>} -> {@code REPLICA <nanoTime|-1> <size>}</li>
     * <li>{@code size} -> {@code SIZE <n>}; {@code heap} -> {@code HEAP <bytes after GC>}; {@code cpu} -> {@code CPU
     * <ns of CPU this JVM used so far> <thread=ns,...> <ms of GC so far> <bytes allocated so far>}</li>
     * <li>{@code callrate <prefix> <names> <total> <inflight>} -> {@code CALLRATE <calls/s>}</li>
     * <li>{@code calllat <prefix> <names> <warmup> <samples>} -> {@code CALLLAT histogram}</li>
     * <li>{@code bare-pong} / {@code bare-ping <host:port> <warmup> <samples>}: the bare Aeron floor</li>
     * <li>{@code joined} -> {@code JOINED <startedNs> <firstPeerUpNs>}</li>
     * </ul>
     */
    public static void main(String[] args) throws Exception {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final String name = args[0];
        final Path work = Files.createDirectories(Path.of(args[1]));
        final int port = Integer.parseInt(args[2]);
        final List<InetSocketAddress> seeds = new ArrayList<>();
        if (args.length > 3 && !args[3].isBlank()) {
            for (String p : args[3].split(",")) {
                seeds.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(p)));
            }
        }
        final long baseline = heapAfterGc();
        try (RegNode n = new RegNode(name, work, port, seeds)) {
            out.println("UP " + name + " " + n.node.id().incarnation() + " " + n.startedNs + " " + baseline);
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            BareFloor bare = null;
            final MoveCommands moves = new MoveCommands(n);
            Thread watcher = null;
            String line;
            while ((line = in.readLine()) != null && !line.equals("exit")) {
                try {
                    final String[] a = line.split(" ");
                    switch (a[0]) {
                        case "await" -> {
                            n.awaitCluster(Integer.parseInt(a[1]), 60_000);
                            out.println("CLUSTER");
                        }
                        case "reg" -> {
                            final Batch b = n.register(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                                Integer.parseInt(a[4]), Integer.parseInt(a[5]));
                            out.println("REG " + b.ok() + " " + b.failed() + " " + b.startNs() + " " + b.endNs() + " "
                                + encode(b.latency()) + (b.firstError() == null ? "" : " " + b.firstError().replace(' ', '_')));
                        }
                        case "replica" -> {
                            final long at = n.awaitReplica(Long.parseLong(a[1]), Long.parseLong(a[2]));
                            out.println("REPLICA " + at + " " + n.probe.replicaSize());
                        }
                        case "watch" -> { // notes in the background when the replica reaches n names
                            final long target = Long.parseLong(a[1]);
                            watched = -1;
                            final Thread t = new Thread(() -> watched = n.awaitReplica(target, 120_000), "watch");
                            t.setDaemon(true);
                            t.start();
                            watcher = t;
                            out.println("WATCHING");
                        }
                        case "watched" -> {
                            watcher.join();
                            out.println("WATCHED " + watched + " " + n.probe.replicaSize());
                        }
                        case "size" -> out.println("SIZE " + n.probe.replicaSize());
                        case "cpu" -> out.println("CPU " + processCpuNanos() + " " + threadCpuNanos() + " " + gcMillis() + " "
                            + allocatedBytes());
                        case "heap" -> out.println("HEAP " + heapAfterGc());
                        case "joined" -> out.println("JOINED " + n.startedNs + " " + n.firstPeerUpNs);
                        case "callrate" -> {
                            final List<String> names = n.remoteNames(a[1], Integer.parseInt(a[2]), 256);
                            out.println("CALLRATE " + n.callThroughput(names, Long.parseLong(a[3]), Integer.parseInt(a[4])));
                        }
                        case "calllat" -> {
                            final List<String> names = n.remoteNames(a[1], Integer.parseInt(a[2]), 1);
                            out.println("CALLLAT " + encode(n.callLatency(names.get(0), Integer.parseInt(a[3]),
                                Integer.parseInt(a[4]))));
                        }
                        case "bare-pong" -> { // 1: the far side opens its subscription
                            bare = BareFloor.pong(work.resolve("bare-pong"));
                            out.println("BAREPONG 127.0.0.1:" + bare.boundPort());
                        }
                        case "bare-ping" -> { // 2: the caller connects to it
                            bare = BareFloor.ping(work.resolve("bare-ping"));
                            bare.connect(a[1]);
                            out.println("BAREPING 127.0.0.1:" + bare.boundPort());
                        }
                        case "bare-connect" -> { // 3: the far side connects back
                            bare.connect(a[1]);
                            out.println("BARECONNECTED");
                        }
                        case "bare-run" -> { // 4: the caller measures
                            out.println("BARERTT " + encode(bare.pingPong(Integer.parseInt(a[1]), Integer.parseInt(a[2]))));
                        }
                        case "bare-close" -> {
                            if (bare != null) {
                                bare.close();
                                bare = null;
                            }
                            out.println("BARECLOSED");
                        }
                        default -> {
                            if (!moves.command(a, out)) {
                                out.println("ERROR unknown command " + a[0]);
                            }
                        }
                    }
                } catch (Exception | Error e) {
                    out.println("ERROR " + String.valueOf(e).replace('\n', ' '));
                    e.printStackTrace();
                }
            }
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------ the worker type

    /** Counter-like: counts the calls it answered and echoes each message; no checkpoints. */
    static final class BenchCounterType implements WorkerType<byte[], byte[]> {
        @Override
        public Codec<byte[]> codec() {
            return Codec.BYTES;
        }

        @Override
        public Codec<byte[]> replyCodec() {
            return Codec.BYTES;
        }

        @Override
        public Worker<byte[], byte[]> create(WorkerContext<byte[]> context) {
            return new Worker<>() {
                private long count;

                @Override
                public void handleCast(byte[] message) {
                    count++;
                }

                @Override
                public void handleCall(byte[] message, Reply<byte[]> reply) {
                    count++;
                    reply.reply(message);
                }
            };
        }
    }
}

package org.swarmosgi.benchmarks.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.IoUtil;

/**
 * Registrations per second on one node, end to end: the real {@link org.swarmosgi.registry.internal.RegistryComponent}
 * (its loop, send, callback threads) and {@link org.swarmosgi.container.internal.LocalWorkerHost} starting a real
 * worker per name, on a node with a real transport and a membership engine without peers, in this JVM.
 * {@code inflight} registrations outstanding; each round on a fresh node.
 *
 * <pre>java -Xmx4g -cp benchmarks/target/benchmarks.jar org.swarmosgi.benchmarks.registry.RegisterEndToEnd
 *     [rounds 5] [inflight 2000] [sizes 10000,100000]</pre>
 */
public final class RegisterEndToEnd {
    private RegisterEndToEnd() {
    }

    public static void main(String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int inflight = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        final String sizes = args.length > 2 ? args[2] : "10000,100000";
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        final Path work = Files.createTempDirectory("swarm-register-e2e");
        try {
            System.out.printf("one node, end to end, %d in flight, %d cores, load average %s%n", inflight,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim());
            for (String size : sizes.split(",")) {
                final int names = Integer.parseInt(size);
                final List<Double> rates = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    try (RegNode node = new RegNode("solo" + round, work.resolve("n" + names + "-" + round),
                        NodeProcess.freeUdpPort(), List.of())) {
                        node.awaitCluster(1, 30_000);
                        while (node.host.workerTypes().isEmpty() || !node.registry.ready()) {
                            Thread.sleep(5);
                        }
                        Thread.sleep(50); // the type reaches the registry through the host's event thread
                        final RegNode.Batch b = node.register("device-", 0, names, 1, inflight);
                        if (b.failed() > 0) {
                            throw new IllegalStateException(b.failed() + " failed, first: " + b.firstError());
                        }
                        rates.add(b.perSecond());
                        System.out.printf("  %,d names, round %d: %,.0f registrations/s, p50 %.2f ms p99 %.2f ms%n", names,
                            round + 1, b.perSecond(), b.latency().getValueAtPercentile(50) / 1e6,
                            b.latency().getValueAtPercentile(99) / 1e6);
                    }
                    System.gc();
                }
                final List<Double> measured = new ArrayList<>(rates.subList(Math.min(2, rates.size() - 1), rates.size()));
                measured.sort(null);
                System.out.printf("%,d names: median %,.0f registrations/s of rounds 3-%d, best %,.0f/s (target >= 200,000/s;"
                    + " Swarm 60-65k/s)%n", names, measured.get(measured.size() / 2), rounds, measured.get(measured.size() - 1));
            }
            System.out.println("load average at the end: " + Files.readString(Path.of("/proc/loadavg")).trim());
        } finally {
            IoUtil.delete(work.toFile(), true);
        }
    }
}

package org.swarmosgi.benchmarks.membership;

import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * Detection time: kill -9 one node of a 5-node cluster and time until every other node has
 * reported it down; restart it, wait for convergence, repeat on the next node. Default timing.
 * Usage: {@code java -cp benchmarks.jar org.swarmosgi.benchmarks.membership.DetectionTime [trials=20] [nodes=5] [multicast|unicast]}
 */
public final class DetectionTime {

    private DetectionTime() {
    }

    public static void main(String[] args) throws Exception {
        final int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        final int size = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final String mode = args.length > 2 ? args[2] : "multicast";
        final Histogram everyNode = new Histogram(60_000_000_000L, 3);
        final Histogram firstNode = new Histogram(60_000_000_000L, 3);
        try (BenchCluster cluster = new BenchCluster(mode, size)) {
            for (int i = 0; i < size; i++) {
                cluster.start(i);
            }
            BenchCluster.await("convergence", 60_000, cluster::converged);
            for (int trial = 0; trial < trials; trial++) {
                final int victim = trial % size;
                final String name = "n" + victim;
                final int[] seen = new int[size];
                for (int i = 0; i < size; i++) {
                    seen[i] = cluster.nodes[i].linesStarting("DOWN " + name + " ").size();
                }
                final long killedAt = System.nanoTime();
                cluster.kill(victim);
                BenchCluster.await("detection", 30_000, () -> {
                    for (int i = 0; i < size; i++) {
                        if (i != victim && cluster.nodes[i].linesStarting("DOWN " + name + " ").size() == seen[i]) {
                            return false;
                        }
                    }
                    return true;
                });
                long last = 0;
                long first = Long.MAX_VALUE;
                for (int i = 0; i < size; i++) {
                    if (i == victim) {
                        continue;
                    }
                    final List<String> downs = cluster.nodes[i].linesStarting("DOWN " + name + " ");
                    final String[] f = downs.get(downs.size() - 1).split(" ");
                    if (!f[2].equals("FAILED")) {
                        throw new IllegalStateException("unexpected down reason: " + downs);
                    }
                    final long at = Long.parseLong(f[3]) - killedAt;
                    last = Math.max(last, at);
                    first = Math.min(first, at);
                }
                everyNode.recordValue(last);
                firstNode.recordValue(first);
                System.out.printf("trial %2d: kill -9 %s -> down on every node after %4d ms (first node %4d ms)%n",
                        trial + 1, name, last / 1_000_000, first / 1_000_000);
                cluster.start(victim);
                BenchCluster.await("convergence after restart", 60_000, cluster::converged);
            }
        }
        System.out.printf("%nDetection time (%s, %d nodes, %d trials, default timing):%n", mode, size, trials);
        System.out.printf("  down on every node: p50 %d ms, max %d ms%n",
                everyNode.getValueAtPercentile(50) / 1_000_000, everyNode.getMaxValue() / 1_000_000);
        System.out.printf("  down on first node: p50 %d ms, max %d ms%n",
                firstNode.getValueAtPercentile(50) / 1_000_000, firstNode.getMaxValue() / 1_000_000);
    }
}

package org.swarmosgi.benchmarks.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.swarmosgi.test.support.ChildProcess;

/**
 * False downs: a converged cluster at default timing while busy-loop processes saturate every core
 * for a while; counts DOWN events (none of the nodes dies, so each one is false).
 * Usage: {@code java -cp benchmarks.jar org.swarmosgi.benchmarks.membership.FalseDowns [seconds=120] [nodes=5]
 * [busy processes=cores] [multicast|unicast]}
 */
public final class FalseDowns {

    private FalseDowns() {
    }

    public static void main(String[] args) throws Exception {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        final int size = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final int busy = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        final String mode = args.length > 3 ? args[3] : "multicast";
        try (BenchCluster cluster = new BenchCluster(mode, size)) {
            for (int i = 0; i < size; i++) {
                cluster.start(i);
            }
            BenchCluster.await("convergence", 60_000, cluster::converged);
            final int[] before = new int[size];
            for (int i = 0; i < size; i++) {
                before[i] = cluster.nodes[i].linesStarting("DOWN ").size();
            }
            final List<ChildProcess> burners = new ArrayList<>();
            for (int i = 0; i < busy; i++) {
                burners.add(cluster.startBusyLoop(seconds));
            }
            System.out.printf("%d nodes (%s) converged; %d busy-loop processes on %d cores for %d s%n",
                    size, mode, busy, Runtime.getRuntime().availableProcessors(), seconds);
            for (ChildProcess burner : burners) {
                burner.awaitExit(Duration.ofSeconds(seconds + 30L));
            }
            int falseDowns = 0;
            for (int i = 0; i < size; i++) {
                final List<String> downs = cluster.nodes[i].linesStarting("DOWN ");
                for (String down : downs.subList(before[i], downs.size())) {
                    System.out.println("  n" + i + " saw " + down);
                    falseDowns++;
                }
            }
            final boolean stillConverged = cluster.converged();
            System.out.printf("%nFalse downs under CPU saturation (%s, %d nodes, %d busy processes, %d s): %d; "
                    + "converged at the end: %s%n", mode, size, busy, seconds, falseDowns, stillConverged);
        }
    }
}

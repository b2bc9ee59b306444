package org.swarmosgi.benchmarks.registry;

import org.swarmosgi.registry.internal.LocalRegistry;

/**
 * Registrations per second of one node's registry state machine, with a host that starts workers at
 * once: the registry's own cost per name (claim, start order, record, index, answer), no threads and
 * no network. Runs 10,000 and 100,000 names, five rounds each, and prints the best and the median.
 */
public final class RegisterThroughput {
    private RegisterThroughput() {
    }

    public static void main(String[] args) {
        for (int names : new int[] {10_000, 100_000}) {
            final double[] rates = new double[7];
            for (int round = 0; round < rates.length; round++) {
                final LocalRegistry registry = new LocalRegistry();
                final long start = System.nanoTime();
                for (int i = 0; i < names; i++) {
                    registry.register(i + 1, "device-" + i);
                }
                final long ns = System.nanoTime() - start;
                if (registry.completed() != names || registry.failed() != 0) {
                    throw new IllegalStateException("completed " + registry.completed() + ", failed " + registry.failed());
                }
                rates[round] = names / (ns / 1e9);
            }
            java.util.Arrays.sort(rates);
            System.out.printf("%,d names: median %,.0f registrations/s, best %,.0f/s (%d rounds, the first two warm up)%n",
                names, rates[rates.length / 2], rates[rates.length - 1], rates.length);
        }
    }
}

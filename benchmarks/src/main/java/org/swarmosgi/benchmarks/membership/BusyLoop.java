package org.swarmosgi.benchmarks.membership;

/** Burns one core for the given seconds, then exits: the "other work" of the false-down benchmark. */
public final class BusyLoop {

    private BusyLoop() {
    }

    public static void main(String[] args) {
        final long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100_000; i++) {
                x += i ^ (x >>> 3);
            }
        }
        System.out.println(x == 42 ? "" : "done");
    }
}

package org.swarmosgi.benchmarks.registry;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.swarmosgi.registry.internal.LocalRegistry;

/**
 * {@code whereis} on a replica of 10,000 and 1,000,000 names: the local lookup every send and call by
 * name starts with. Names are looked up in a shuffled order, so the figure includes cache misses.
 * Target: at most 100 ns/op (Swarm 3.4: 480-794 ns).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class WhereisBenchmark {

    @Param({"10000", "1000000"})
    int names;

    private LocalRegistry registry;
    private String[] lookups;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        registry = new LocalRegistry();
        final String[] all = new String[names];
        for (int i = 0; i < names; i++) {
            all[i] = "device-" + i;
            registry.register(i + 1, all[i]);
        }
        if (registry.size() != names) {
            throw new IllegalStateException("registered " + registry.size() + " of " + names);
        }
        final java.util.Random random = new java.util.Random(42);
        lookups = new String[1 << 20];
        for (int i = 0; i < lookups.length; i++) {
            // Fresh String objects, as a caller's would be: the hash is computed on lookup.
            lookups[i] = new String(all[random.nextInt(names)]);
        }
    }

    @Benchmark
    public boolean whereis() {
        final String name = lookups[next++ & (lookups.length - 1)];
        return registry.whereis(name);
    }
}

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
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.registry.internal.LocalRegistry;

/**
 * {@code whereis} on a replica of 10,000 and 1,000,000 names: the local lookup every send and call by
 * name starts with. Names are looked up in a shuffled order, so the figure includes cache misses.
 * Target: at most 100 ns/op (Swarm 3.4: 480-794 ns), for {@code keys=copy}.
 *
 * <p>{@code keys=copy} (the honest case): each lookup name is an equal String with its own bytes, as
 * a caller's would be (built from its own data), so the registry pays for reading its stored key's
 * bytes. {@code keys=same}: the very instances registered, which a caller rarely holds. The caller's
 * strings are laid out in the order they are looked up (the caller just made or used its name, so it
 * is in its cache); {@link #baseline} is what reading them costs without the registry.
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

    @Param({"copy", "same"})
    String keys;

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
            final String name = all[random.nextInt(names)];
            // copy: its own byte[] (new String(String) would share the stored key's); hashed on first use.
            lookups[i] = keys.equals("same") ? name : new String(name.toCharArray());
        }
    }

    @Benchmark
    public WorkerRef whereis() {
        final String name = lookups[next++ & (lookups.length - 1)];
        return registry.whereis(name);
    }

    /** The benchmark's own share: the next name, its hash and length, no registry. */
    @Benchmark
    public int baseline() {
        final String name = lookups[next++ & (lookups.length - 1)];
        return name.hashCode() + name.length();
    }
}

package org.swarmosgi.benchmarks.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.swarmosgi.ring.HashRing;

/**
 * Owner lookup on the ring (target: below 200 ns/op at 3 and 64 nodes). Names cycle through a
 * pre-built set larger than the caches, so the figure includes the cache misses a busy registry sees.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RingLookupBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class RingLookupBenchmark {

    @Param({"3", "64"})
    int nodes;

    private HashRing ring;
    private String[] names;
    private int next;

    @Setup
    public void setUp() {
        final List<String> members = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            members.add("swarm@10.0.0." + i);
        }
        ring = HashRing.of(members);
        final Random random = new Random(42);
        names = new String[1 << 20];
        for (int i = 0; i < names.length; i++) {
            names[i] = "device-" + Long.toHexString(random.nextLong());
            names[i].hashCode(); // String's own hash cached: irrelevant to us, keeps setup honest
        }
    }

    @Benchmark
    public String owner() {
        final String name = names[next];
        next = (next + 1) & (names.length - 1);
        return ring.owner(name);
    }
}

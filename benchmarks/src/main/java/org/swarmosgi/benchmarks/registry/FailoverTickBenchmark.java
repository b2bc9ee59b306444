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
import org.swarmosgi.registry.internal.OrphanedRegistry;

/**
 * The registry thread's tick (every 10 ms) on a node of three just after a peer holding {@code names}
 * workers died: those it owns run again here, the others (about half) wait for their owner's restart as
 * orphans, up to a claim timeout (10 s). A tick should cost what is due in it, not a walk of every orphan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class FailoverTickBenchmark {

    @Param({"10000", "100000"})
    int names;

    private OrphanedRegistry registry;

    @Setup(Level.Trial)
    public void setup() {
        registry = new OrphanedRegistry(names);
        if (registry.restartedHere() == 0 || registry.restartedHere() == names) {
            throw new IllegalStateException("restarted here " + registry.restartedHere() + " of " + names);
        }
    }

    @Benchmark
    public void tick() {
        registry.tick();
    }
}

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
import org.swarmosgi.registry.internal.ClaimsInFlight;
import org.swarmosgi.registry.internal.OrphanedRegistry;

/**
 * The registry thread's tick (every 10 ms) on a node of three holding {@code names} of something that waits. A
 * tick should cost what is due in it, not a walk of everything waiting:
 * <ul>
 * <li>{@code orphans}: just after a peer holding {@code names} workers died; those it owns run again here, the
 * others (about half) wait for their owner's restart as orphans, up to a claim timeout (10 s);</li>
 * <li>{@code claims}: {@code names} registrations in flight, none answered yet and none due: about two thirds wait
 * on their owner (a peer), the rest as claims this node holds for a start it ordered.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class RegistryTickBenchmark {

    @Param({"orphans", "claims"})
    String waiting;

    @Param({"10000", "100000"})
    int names;

    private Runnable tick;

    @Setup(Level.Trial)
    public void setup() {
        if (waiting.equals("orphans")) {
            final OrphanedRegistry registry = new OrphanedRegistry(names);
            if (registry.restartedHere() == 0 || registry.restartedHere() == names) {
                throw new IllegalStateException("restarted here " + registry.restartedHere() + " of " + names);
            }
            tick = registry::tick;
        } else {
            final ClaimsInFlight registry = new ClaimsInFlight(names);
            if (registry.requests() == 0 || registry.claims() == 0) {
                throw new IllegalStateException(registry.requests() + " requests and " + registry.claims() + " claims");
            }
            tick = registry::tick;
        }
    }

    @Benchmark
    public void tick() {
        tick.run();
    }
}

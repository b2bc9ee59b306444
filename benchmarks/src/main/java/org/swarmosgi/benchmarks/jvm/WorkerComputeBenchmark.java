package org.swarmosgi.benchmarks.jvm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a JVM setting costs a user's compute-heavy worker code: a few kernels of the kind a worker's
 * {@code handle} runs (arithmetic over arrays, a map of words, a sort, text built and parsed), each on
 * its own fresh data. Compare runs with different JVM options, e.g.
 * {@code -jvmArgsAppend -XX:TieredStopAtLevel=1} (C1 only) against none (benchmarks/README.md, fifth
 * session of 2026-11-30).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WorkerComputeBenchmark {

    private static final int N = 4096;

    private double[] xs;
    private double[] ys;
    private long[] values;
    private long[] sortBuffer;
    private String[] words;
    private final StringBuilder text = new StringBuilder();

    @Setup(Level.Trial)
    public void setup() {
        final SplittableRandom random = new SplittableRandom(42);
        xs = new double[N];
        ys = new double[N];
        values = new long[N];
        sortBuffer = new long[N];
        words = new String[N];
        for (int i = 0; i < N; i++) {
            xs[i] = random.nextDouble();
            ys[i] = random.nextDouble();
            values[i] = random.nextLong();
            words[i] = "word" + random.nextInt(512);
        }
    }

    /** Arithmetic over arrays: a dot product and a polynomial per element (C2 unrolls and vectorises). */
    @Benchmark
    public double arithmetic() {
        double sum = 0;
        for (int i = 0; i < N; i++) {
            final double x = xs[i];
            sum += x * ys[i] + ((0.5 * x + 0.25) * x + 0.125) * x;
        }
        return sum;
    }

    /** Counting words in a HashMap: hashing, boxing, lookups. */
    @Benchmark
    public int wordCount() {
        final Map<String, Integer> counts = new HashMap<>();
        for (String w : words) {
            counts.merge(w, 1, Integer::sum);
        }
        return counts.size();
    }

    /** Sorting a copy of 4,096 longs. */
    @Benchmark
    public long sort() {
        System.arraycopy(values, 0, sortBuffer, 0, N);
        Arrays.sort(sortBuffer);
        return sortBuffer[N / 2];
    }

    /** Text: 256 key=value fields formatted into a line, then parsed back and summed. */
    @Benchmark
    public long formatAndParse() {
        text.setLength(0);
        for (int i = 0; i < 256; i++) {
            text.append("k").append(i).append('=').append(values[i] & 0xffff).append(';');
        }
        long sum = 0;
        int from = 0;
        final String line = text.toString();
        while (from < line.length()) {
            final int eq = line.indexOf('=', from);
            final int end = line.indexOf(';', eq);
            sum += Long.parseLong(line, eq + 1, end, 10);
            from = end + 1;
        }
        return sum;
    }
}

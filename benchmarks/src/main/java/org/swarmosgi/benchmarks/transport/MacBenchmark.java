package org.swarmosgi.benchmarks.transport;

import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.concurrent.UnsafeBuffer;
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
import org.swarmosgi.transport.aeron.internal.SipHash128;

/**
 * Cost of the per-frame MAC: SipHash-2-4-128 (what the transport uses) against HMAC-SHA256 from
 * javax.crypto (the JDK's intrinsics), over whole frames: a 32-byte payload makes an 81-byte frame,
 * 1 KiB a 1073-byte one (SBE header 8 + fixed block 21 + length 4 + payload + 16-byte tag; the MAC
 * covers all but the tag).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MacBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class MacBenchmark {

    /** Bytes the MAC covers: frames for 32 B and 1 KiB payloads. */
    @Param({"65", "1057"})
    int covered;

    private UnsafeBuffer frame;
    private byte[] frameBytes;
    private SipHash128 sipHash;
    private Mac hmac;
    private final byte[] tag = new byte[32];

    @Setup
    public void setUp() throws Exception {
        frameBytes = new byte[covered + SipHash128.TAG_LENGTH];
        new java.util.Random(1).nextBytes(frameBytes);
        frame = new UnsafeBuffer(frameBytes);
        sipHash = new SipHash128(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    }

    @Benchmark
    public long sipHash128() {
        sipHash.hash(frame, 0, covered);
        return sipHash.h0() ^ sipHash.h1();
    }

    @Benchmark
    public byte[] hmacSha256() throws Exception {
        hmac.update(frameBytes, 0, covered);
        hmac.doFinal(tag, 0);
        return tag;
    }
}

package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void logisticApproximationMatchesTheNormalTail() {
        // P(X > mean + 2 std) = 0.02275 -> phi 1.643; P(X > mean) = 0.5 -> phi 0.301.
        assertThat(PhiAccrualDetector.phi(2, 0, 1)).isCloseTo(1.643, within(0.01));
        assertThat(PhiAccrualDetector.phi(0, 0, 1)).isCloseTo(0.301, within(0.001));
        assertThat(PhiAccrualDetector.phi(-3, 0, 1)).isCloseTo(0.0, within(0.001));
    }

    @Test
    void phiGrowsWithSilence() {
        final PhiAccrualDetector detector = steady(100, 0, 100);
        double last = -1;
        for (long t = 0; t <= 3000; t += 50) {
            final double phi = detector.phi(10_000 * MS + t * MS);
            assertThat(phi).isGreaterThanOrEqualTo(last);
            last = phi;
        }
        assertThat(last).isGreaterThan(20);
    }

    @Test
    void defaultsDeclareDownBetweenOneAndTwoSecondsOfSilence() {
        final PhiAccrualDetector detector = steady(100, 800, 100);
        final long last = 10_000 * MS;
        assertThat(detector.phi(last + 1000 * MS)).isLessThan(Timing.DEFAULT_PHI_THRESHOLD);
        assertThat(detector.phi(last + 1700 * MS)).isGreaterThan(Timing.DEFAULT_PHI_THRESHOLD);
    }

    @Test
    void irregularHeartbeatsMakeItMorePatient() {
        final PhiAccrualDetector regular = steady(100, 0, 10);
        final PhiAccrualDetector jittery = new PhiAccrualDetector(100 * MS, 0, 10 * MS, 0);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            t += (i % 2 == 0 ? 20 : 180) * MS;
            jittery.heartbeat(t);
        }
        final long silence = 400 * MS;
        assertThat(jittery.phi(t + silence)).isLessThan(regular.phi(10_000 * MS + silence));
    }

    @Test
    void restartForgetsTheGap() {
        final PhiAccrualDetector detector = steady(100, 0, 10);
        detector.restart(60_000 * MS);
        assertThat(detector.phi(60_000 * MS + 100 * MS)).isLessThan(1.0);
    }

    /** A detector that heard a heartbeat every {@code intervalMs} for 10 s, the last at 10 s. */
    private static PhiAccrualDetector steady(long intervalMs, long pauseMs, long minStdMs) {
        final PhiAccrualDetector detector = new PhiAccrualDetector(intervalMs * MS, pauseMs * MS, minStdMs * MS, 0);
        for (long t = intervalMs; t <= 10_000; t += intervalMs) {
            detector.heartbeat(t * MS);
        }
        return detector;
    }
}

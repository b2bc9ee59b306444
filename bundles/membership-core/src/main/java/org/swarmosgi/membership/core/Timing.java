package org.swarmosgi.membership.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a node heartbeats and how its failure detector judges silence.
 *
 * <p>The detector declares a member down when phi passes {@code phiThreshold}; with steady
 * heartbeats that happens about {@code heartbeatInterval + acceptablePause + 5.2 * minStdDeviation}
 * after the last heartbeat (threshold 8). The defaults put that near 1.4 s, under the 2 s target,
 * while a pause of 0.8 s keeps CPU starvation and GC from causing false downs.
 *
 * @param heartbeatInterval time between two heartbeats of this node, 10 ms to 10 s
 * @param phiThreshold      suspicion level at which a member is down, 1 to 30
 * @param acceptablePause   silence added to the mean interval before suspicion grows, 0 to 60 s
 * @param minStdDeviation   floor of the interval deviation, so steady heartbeats do not make the
 *                          detector hair-trigger; 1 ms to 10 s
 */
public record Timing(Duration heartbeatInterval, double phiThreshold, Duration acceptablePause,
                     Duration minStdDeviation) {

    /** Defaults as compile-time constants, for the strategies' configuration annotations. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
    public static final double DEFAULT_PHI_THRESHOLD = 8.0;
    public static final long DEFAULT_ACCEPTABLE_PAUSE_MS = 800;
    public static final long DEFAULT_MIN_STD_DEVIATION_MS = 100;

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(DEFAULT_HEARTBEAT_INTERVAL_MS);
    public static final Duration DEFAULT_ACCEPTABLE_PAUSE = Duration.ofMillis(DEFAULT_ACCEPTABLE_PAUSE_MS);
    public static final Duration DEFAULT_MIN_STD_DEVIATION = Duration.ofMillis(DEFAULT_MIN_STD_DEVIATION_MS);

    public static final Timing DEFAULTS = new Timing(DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_PHI_THRESHOLD,
            DEFAULT_ACCEPTABLE_PAUSE, DEFAULT_MIN_STD_DEVIATION);

    public Timing {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(acceptablePause, "acceptablePause");
        Objects.requireNonNull(minStdDeviation, "minStdDeviation");
        if (heartbeatInterval.toMillis() < 10 || heartbeatInterval.toMillis() > 10_000) {
            throw new IllegalArgumentException("heartbeat interval must be 10 ms to 10 s, was " + heartbeatInterval);
        }
        if (!(phiThreshold >= 1.0 && phiThreshold <= 30.0)) {
            throw new IllegalArgumentException("phi threshold must be 1 to 30, was " + phiThreshold);
        }
        if (acceptablePause.isNegative() || acceptablePause.toMillis() > 60_000) {
            throw new IllegalArgumentException("acceptable pause must be 0 to 60 s, was " + acceptablePause);
        }
        if (minStdDeviation.toMillis() < 1 || minStdDeviation.toMillis() > 10_000) {
            throw new IllegalArgumentException("min std deviation must be 1 ms to 10 s, was " + minStdDeviation);
        }
    }
}

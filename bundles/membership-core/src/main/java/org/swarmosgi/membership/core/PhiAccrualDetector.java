package org.swarmosgi.membership.core;

/**
 * Phi accrual failure detector (Hayashibara et al. 2004, as in Akka): keeps a window of heartbeat
 * inter-arrival times and reports phi = -log10(P(a heartbeat arrives later than now)), with the
 * arrival times modelled as normal with the window's mean plus an acceptable pause, and a floor on
 * the deviation. Suspicion thus adapts to the jitter actually seen: a node starved of CPU heartbeats
 * irregularly, the deviation grows, and it is judged more patiently. One per member; engine thread only.
 */
final class PhiAccrualDetector {

    static final int WINDOW = 200;

    private final long[] intervals = new long[WINDOW];
    private final double acceptablePauseNanos;
    private final double minStdNanos;
    private final long firstEstimateNanos;
    private int count;
    private int next;
    private double sum;
    private double sumOfSquares;
    private long lastArrival;

    /**
     * @param firstEstimateNanos the expected heartbeat interval, used until real intervals arrive
     */
    PhiAccrualDetector(long firstEstimateNanos, long acceptablePauseNanos, long minStdNanos, long nowNanos) {
        this.firstEstimateNanos = firstEstimateNanos;
        this.acceptablePauseNanos = acceptablePauseNanos;
        this.minStdNanos = minStdNanos;
        restart(nowNanos);
    }

    /** Forgets the history, as after a silence long enough to be declared down: that gap is no sample. */
    void restart(long nowNanos) {
        count = 0;
        next = 0;
        sum = 0;
        sumOfSquares = 0;
        // Like Akka: seed with the estimate +- a quarter, so the first judgements are reasonable.
        final long quarter = firstEstimateNanos / 4;
        add(firstEstimateNanos - quarter);
        add(firstEstimateNanos + quarter);
        lastArrival = nowNanos;
    }

    void heartbeat(long nowNanos) {
        add(Math.max(0, nowNanos - lastArrival));
        lastArrival = nowNanos;
    }

    double phi(long nowNanos) {
        final double elapsed = nowNanos - lastArrival;
        final double mean = sum / count;
        final double variance = Math.max(0.0, sumOfSquares / count - mean * mean);
        final double std = Math.max(Math.sqrt(variance), minStdNanos);
        return phi(elapsed, mean + acceptablePauseNanos, std);
    }

    /** Logistic approximation of the normal tail (Akka's), accurate to about 1e-4 and cheap. */
    static double phi(double elapsed, double mean, double std) {
        final double y = (elapsed - mean) / std;
        final double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        return elapsed > mean ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    private void add(long interval) {
        if (count == WINDOW) {
            final long old = intervals[next];
            sum -= old;
            sumOfSquares -= (double) old * old;
        } else {
            count++;
        }
        intervals[next] = interval;
        next = (next + 1) % WINDOW;
        sum += interval;
        sumOfSquares += (double) interval * interval;
    }
}

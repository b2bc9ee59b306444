package org.swarmosgi.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What follows when a worker crashes (throws from {@link Worker#onStart}, dies with an error) or
 * stops by itself ({@link WorkerContext#stopSelf()}), in the terms of Erlang/OTP supervisors.
 *
 * @param mode        which endings are followed by a restart
 * @param maxRestarts at most this many restarts of one name within {@code window}; one more and
 *                    the name is unregistered (the worker is given up), logged
 * @param window      the sliding window of {@code maxRestarts}
 */
public record RestartPolicy(Mode mode, int maxRestarts, Duration window) {

    /** Which endings are followed by a restart. */
    public enum Mode {
        /** Always restarted, even after it stopped by itself. */
        PERMANENT,
        /** Restarted after a crash; a worker that stops by itself stays stopped (its name goes). */
        TRANSIENT,
        /** Never restarted: a crash or a stop unregisters the name. */
        TEMPORARY
    }

    /** Transient, at most 3 restarts in 5 seconds (OTP's defaults). */
    public static final RestartPolicy DEFAULT = new RestartPolicy(Mode.TRANSIENT, 3, Duration.ofSeconds(5));

    public RestartPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(window, "window");
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative, was " + maxRestarts);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
    }

    /** True when a worker that ended this way is started again (the intensity limit aside). */
    public boolean restarts(boolean crashed) {
        return switch (mode) {
            case PERMANENT -> true;
            case TRANSIENT -> crashed;
            case TEMPORARY -> false;
        };
    }
}

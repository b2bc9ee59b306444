package org.swarmosgi.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A worker's answer to {@link Worker#beginHandoff()} when the topology moves it to another node.
 *
 * <ul>
 *   <li>{@link #restart()}: start a fresh instance on the new owner from the start spec;</li>
 *   <li>{@link #resume(byte[])}: start it on the new owner, then give it this state through
 *       {@link Worker#endHandoff(byte[])};</li>
 *   <li>{@link #ignore()}: stay on the current node; the name keeps pointing here.</li>
 * </ul>
 * In the first two cases the old instance is then told to {@link Worker#stop(StopReason) stop}.
 */
public final class HandoffDecision {

    /** Which of the three answers this is. */
    public enum Kind { RESTART, RESUME, IGNORE }

    private static final HandoffDecision RESTART = new HandoffDecision(Kind.RESTART, null);
    private static final HandoffDecision IGNORE = new HandoffDecision(Kind.IGNORE, null);

    private final Kind kind;
    private final byte[] state;

    private HandoffDecision(Kind kind, byte[] state) {
        this.kind = kind;
        this.state = state;
    }

    /** Start a fresh instance on the new node. */
    public static HandoffDecision restart() {
        return RESTART;
    }

    /** Keep running here. */
    public static HandoffDecision ignore() {
        return IGNORE;
    }

    /**
     * Start on the new node and hand it {@code state}.
     *
     * @param state the state to hand over; copied
     */
    public static HandoffDecision resume(byte[] state) {
        Objects.requireNonNull(state, "state");
        return new HandoffDecision(Kind.RESUME, state.clone());
    }

    public Kind kind() {
        return kind;
    }

    /** The state to hand over: a copy; empty unless {@link #kind()} is {@link Kind#RESUME}. */
    public byte[] state() {
        return state == null ? new byte[0] : state.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandoffDecision other && kind == other.kind
                && Arrays.equals(state, other.state);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(state);
    }

    @Override
    public String toString() {
        return kind == Kind.RESUME ? "resume(" + state.length + " bytes)" : kind.name().toLowerCase();
    }
}

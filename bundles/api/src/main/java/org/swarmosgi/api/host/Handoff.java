package org.swarmosgi.api.host;

import java.util.List;
import java.util.Objects;

import org.swarmosgi.api.HandoffDecision;

/**
 * What {@link WorkerHost#beginHandoff} got from a moving worker.
 *
 * @param decision how the worker answered (restart when it timed out or threw)
 * @param pending  the envelopes it had not handled, in arrival order, to hand on to the next instance
 * @param timedOut true when the worker did not answer within its type's handoff timeout
 */
public record Handoff(HandoffDecision decision, List<Envelope> pending, boolean timedOut) {
    public Handoff {
        Objects.requireNonNull(decision, "decision");
        pending = List.copyOf(pending);
    }
}

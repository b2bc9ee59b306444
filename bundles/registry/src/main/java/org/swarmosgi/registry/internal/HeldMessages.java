package org.swarmosgi.registry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.swarmosgi.api.NoSuchWorkerException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.Envelope;

/**
 * Messages for workers being moved off this node, held from {@code beginHandoff} until the move ends,
 * then passed on in order: first the envelopes the worker had not handled (the host's {@code Handoff}),
 * then those that arrived here meanwhile, then, for a while, those that still arrive (senders whose
 * replica has not seen the move yet). Any thread; the data path pays one map lookup while a move runs.
 */
final class HeldMessages {
    private final Map<WorkerRef, Held> held = new ConcurrentHashMap<>();
    /** Hands one envelope to a worker instance: here, or over the transport to its node. */
    private final BiConsumer<WorkerRef, Envelope> forward;

    HeldMessages(BiConsumer<WorkerRef, Envelope> forward) {
        this.forward = forward;
    }

    /** From now on, messages to {@code from} are held here. */
    void hold(WorkerRef from) {
        held.putIfAbsent(from, new Held());
    }

    /** The worker's own unhandled envelopes, from its host's answer: they go first. */
    void pending(WorkerRef from, List<Envelope> pending) {
        final Held h = held.get(from);
        if (h != null) {
            h.pending(pending);
        }
    }

    /** Takes {@code e} for a moving worker: true when held (or passed on), false when {@code to} is not moving. */
    boolean offer(WorkerRef to, Envelope e) {
        final Held h = held.get(to);
        if (h == null) {
            return false;
        }
        h.offer(e);
        return true;
    }

    /**
     * The move ended: everything held goes to {@code to} in order (back to {@code from} after ignore), or
     * fails when {@code to} is null. Messages arriving later for a moved worker keep following it until
     * {@link #forget}.
     */
    void end(WorkerRef from, WorkerRef to) {
        final Held h = held.get(from);
        if (h == null) {
            return;
        }
        h.end(to);
        if (to == null || to.equals(from)) {
            held.remove(from, h); // delivered here again (or failed) from now on: the host takes over
        }
    }

    /** Stops following a moved worker: later messages to its old ref fail as for any stopped worker. */
    void forget(WorkerRef from) {
        held.remove(from);
    }

    int size() {
        return held.size();
    }

    private final class Held {
        private List<Envelope> queue = new ArrayList<>();
        private boolean ended;
        private WorkerRef to;

        synchronized void pending(List<Envelope> pending) {
            if (!ended && !pending.isEmpty()) {
                final List<Envelope> all = new ArrayList<>(pending.size() + queue.size());
                all.addAll(pending);
                all.addAll(queue);
                queue = all;
            }
        }

        synchronized void offer(Envelope e) {
            if (ended) {
                pass(e);
            } else {
                queue.add(e);
            }
        }

        synchronized void end(WorkerRef to) {
            this.to = to;
            ended = true;
            for (Envelope e : queue) {
                pass(e);
            }
            queue = List.of();
        }

        private void pass(Envelope e) {
            if (to == null) {
                e.fail(new NoSuchWorkerException("the worker stopped while it was being moved"));
            } else {
                forward.accept(to, e);
            }
        }
    }
}

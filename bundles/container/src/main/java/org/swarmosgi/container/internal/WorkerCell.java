package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.MailboxFullException;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.Timer;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.Envelope;
import org.swarmosgi.api.host.Handoff;
import org.swarmosgi.api.host.StaleOrderException;

/**
 * One worker instance: its mailbox, its state machine and its context.
 *
 * <p><b>Mailbox.</b> Envelopes go into a {@link ConcurrentLinkedQueue} (one node allocated per
 * message, nothing else), bounded by a counter checked before the offer. Internal orders (start,
 * handoff, checkpoint, conflict) and the worker's own {@link #mailbox()} tasks go into a second,
 * unbounded queue that is served first, between messages. The worker runs on the shared
 * {@link WorkerPool}: it is queued there when it gets work and is idle (one CAS on
 * {@link #scheduled}), runs at most {@code max.batch} steps, then goes to the back of the run queue.
 *
 * <p><b>Phases.</b> {@code STARTING} (onStart runs; messages wait), {@code RUNNING},
 * {@code HANDING_OFF} (messages are held: queued, never taken), {@code CLOSING} (closed to
 * deliveries; queued envelopes were failed or handed on; {@link Worker#stop} runs next on the
 * worker's thread), {@code STOPPED}. Every phase change happens under {@link #lock}; senders take
 * no lock.
 *
 * <p><b>Exactly once.</b> An accepted envelope ends exactly one way: handled, failed, or returned
 * in a {@link Handoff}. A sender that races a close re-checks the phase after its offer and takes its
 * envelope back ({@code remove}) if the close did not drain it; if it was drained, the closer owns it.
 */
final class WorkerCell<M, R> extends WorkerPool.Task implements WorkerContext<M>, Executor {
    private static final System.Logger LOG = System.getLogger(WorkerCell.class.getName());

    static final int STARTING = 0;
    static final int RUNNING = 1;
    static final int HANDING_OFF = 2;
    static final int CLOSING = 3;
    static final int STOPPED = 4;

    final LocalWorkerHost host;
    final String name;
    final WorkerRef ref;
    /** The type, or null for a worker given to the host ({@code registerLocal}). */
    final OfferedType<M, R> type;
    final Codec<M> codec;
    final Codec<R> replyCodec;
    private final int capacity;
    private final byte[] args;
    private final StartReason startReason;

    private final Object lock = new Object();
    private volatile int phase = STARTING;
    private final ConcurrentLinkedQueue<Envelope> inbox = new ConcurrentLinkedQueue<>();
    // Fields under VarHandles, not AtomicInteger/AtomicBoolean: two objects (32 bytes) fewer per worker, and a
    // node hosts hundreds of thousands (benchmarks README, fourth session of 2026-11-30).
    private static final VarHandle QUEUED;
    private static final VarHandle SCHEDULED;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUED = l.findVarHandle(WorkerCell.class, "queued", int.class);
            SCHEDULED = l.findVarHandle(WorkerCell.class, "scheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Envelopes in the inbox, counted by senders before they offer (the capacity check). */
    private volatile int queued;
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    /** In the pool's run queue or running. */
    private volatile boolean scheduled;

    /** The instance; touched only on the worker's turn (set by the start task, cleared by finish). */
    private Worker<M, R> worker;
    /** The driver knows this worker (its start completed, or it was hosted): its ending is reported. */
    private volatile boolean known;

    // Guarded by lock.
    private long version;
    private HandoffTask handoff;
    private StopReason endReason;
    private boolean reportEnd;
    private Throwable endCause;
    private List<CompletableFuture<Void>> stopWaiters;
    private CallReply<R> openCalls;
    private Set<WorkerTimer> timers;

    WorkerCell(LocalWorkerHost host, String name, WorkerRef ref, OfferedType<M, R> type, Codec<M> codec,
               Codec<R> replyCodec, int capacity, byte[] args, StartReason startReason, long version) {
        this.host = host;
        this.name = name;
        this.ref = ref;
        this.type = type;
        this.codec = codec;
        this.replyCodec = replyCodec;
        this.capacity = capacity;
        this.args = args;
        this.startReason = startReason;
        this.version = version;
    }

    // ------------------------------------------------------------------------------------ starting

    /** Queues the start: factory, onStart, endHandoff(state); completes {@code started} with the ref. */
    void beginStart(byte[] state, CompletableFuture<org.swarmosgi.api.WorkerRef> started) {
        control.offer(new StartTask(state, started));
        schedule();
    }

    /** Queues onStart of an instance given to the host; the driver knows it from now on. */
    void beginHosted(Worker<M, R> instance) {
        known = true;
        control.offer(new HostedStartTask(instance));
        schedule();
    }

    /** Internal orders: run on the worker's turn, or aborted with an error when it stops first. */
    abstract static class ControlTask implements Runnable {
        abstract void abort(RuntimeException error);
    }

    private final class StartTask extends ControlTask {
        private final byte[] state;
        private final CompletableFuture<WorkerRef> future;

        StartTask(byte[] state, CompletableFuture<WorkerRef> future) {
            this.state = state;
            this.future = future;
        }

        @Override
        public void run() {
            final Worker<M, R> w;
            try {
                w = Objects.requireNonNull(type.service.create(WorkerCell.this), "create(context) returned null");
            } catch (Throwable t) {
                failStart("its factory threw", t);
                return;
            }
            worker = w;
            try {
                w.onStart(WorkerCell.this);
                if (state != null) {
                    w.endHandoff(state);
                }
            } catch (Throwable t) {
                worker = null; // onStart failed: it never ran, so it is not stopped either (as in OTP)
                failStart(state != null ? "onStart or endHandoff threw" : "onStart threw", t);
                return;
            }
            synchronized (lock) {
                if (phase == STARTING) {
                    phase = RUNNING;
                }
            }
            host.health(type).started.increment();
            known = true;
            host.completeLater(future, ref);
        }

        private void failStart(String what, Throwable t) {
            host.stats.crashes.increment();
            host.health(type).problem(true, "'" + name + "' failed to start: " + what + ": " + t);
            LOG.log(Level.WARNING, "worker '" + name + "' " + ref + " of type '" + type.name + "' failed to start: "
                + what + ": " + t, t);
            Closed closed = null;
            synchronized (lock) {
                if (phase < CLOSING) {
                    closed = closeLocked(StopReason.CRASHED, false, t);
                }
            }
            afterClose(closed, "failed to start");
            host.failLater(future, new WorkerFailedException("worker '" + name + "' of type '" + type.name
                + "' failed to start: " + what + ": " + t, t));
        }

        @Override
        void abort(RuntimeException error) {
            host.failLater(future, type.removed
                ? new org.swarmosgi.api.UnknownWorkerTypeException("worker type '" + type.name
                    + "' went away while worker '" + name + "' was starting")
                : error);
        }
    }

    private final class HostedStartTask extends ControlTask {
        private final Worker<M, R> instance;

        HostedStartTask(Worker<M, R> instance) {
            this.instance = instance;
        }

        @Override
        public void run() {
            try {
                instance.onStart(WorkerCell.this);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "worker '" + name + "' " + ref + " crashed in onStart: " + t, t);
                crash(t); // reported: the driver has its ref already
                return;
            }
            worker = instance;
            synchronized (lock) {
                if (phase == STARTING) {
                    phase = RUNNING;
                }
            }
        }

        @Override
        void abort(RuntimeException error) {
        }
    }

    // ------------------------------------------------------------------------------------ delivery

    /** A sender's delivery: never blocks, never runs the worker. */
    void deliver(Envelope envelope) {
        if (phase >= CLOSING) {
            throw host.noSuchWorker(ref, "has stopped");
        }
        if ((int) QUEUED.getAndAdd(this, 1) >= capacity) {
            QUEUED.getAndAdd(this, -1);
            host.stats.mailboxFull.increment();
            throw new MailboxFullException("the mailbox of worker '" + name + "' " + ref + " is full (capacity "
                + capacity + " messages): the message was not queued");
        }
        inbox.offer(envelope);
        if (phase >= CLOSING) {
            // Raced a stop or a move: whoever removes the envelope owns it.
            if (inbox.remove(envelope)) {
                QUEUED.getAndAdd(this, -1);
                throw host.noSuchWorker(ref, "has stopped");
            }
            return; // the closer drained it: failed or handed on
        }
        if (phase == RUNNING) {
            schedule();
        }
    }

    /** A timer is due: its message joins the mailbox, whatever the capacity (the timer thread). */
    void timerFired(WorkerTimer timer) {
        synchronized (lock) {
            if (timers != null) {
                timers.remove(timer);
            }
            if (phase >= CLOSING) {
                return;
            }
            QUEUED.getAndAdd(this, 1);
            inbox.offer(timer);
        }
        if (phase == RUNNING) {
            schedule();
        }
    }

    void timerCancelled(WorkerTimer timer) {
        synchronized (lock) {
            if (timers != null) {
                timers.remove(timer);
            }
        }
    }

    /**
     * The next message, unless delivery is held or closed. Under the lock (uncontended but for
     * orders; senders never take it), so that once a handoff or stop has set its phase, not one more
     * message is taken: "after the current message" holds exactly.
     */
    private Envelope take() {
        final Envelope e;
        synchronized (lock) {
            if (phase != RUNNING) {
                return null;
            }
            e = inbox.poll();
        }
        if (e != null) {
            QUEUED.getAndAdd(this, -1);
        }
        return e;
    }

    void schedule() {
        if (!scheduled && SCHEDULED.compareAndSet(this, false, true)) {
            host.pool.submit(this);
        }
    }

    private boolean hasWork() {
        final int p = phase;
        if (p == CLOSING) {
            return true;
        }
        if (p == STOPPED) {
            return false;
        }
        return !control.isEmpty() || (p == RUNNING && !inbox.isEmpty());
    }

    // ------------------------------------------------------------------------------------ the worker's turn

    @Override
    void runTask() {
        for (int n = host.maxBatch; n > 0; n--) {
            final int p = phase;
            if (p >= CLOSING) {
                if (p == CLOSING) {
                    finish();
                }
                return; // stays flagged as scheduled: it never runs again
            }
            final Runnable task = control.poll();
            if (task != null) {
                runControl(task);
                continue;
            }
            final Envelope envelope = take();
            if (envelope == null) {
                break;
            }
            try {
                handle(envelope);
            } catch (RuntimeException e) {
                // The envelope's own reply or fail threw: the driver's bug, not the worker's.
                LOG.log(Level.ERROR, "answering a message of worker '" + name + "' " + ref + " failed", e);
            }
        }
        scheduled = false;
        if (hasWork()) {
            schedule();
        }
    }

    private void runControl(Runnable task) {
        try {
            task.run();
        } catch (Exception e) {
            messageFailed("a task on its mailbox threw: " + e);
            LOG.log(Level.WARNING, "a task on the mailbox of worker '" + name + "' " + ref + " threw: " + e, e);
        } catch (Throwable t) {
            crash(t);
        }
    }

    private void handle(Envelope envelope) {
        final M message;
        final Object local = envelope.local();
        if (local != null && codec.type().isInstance(local)) {
            message = codec.type().cast(local);
        } else {
            // From another node, or sent here with another type: the bytes, decoded as from any peer.
            try {
                final byte[] payload = envelope.payload();
                if (payload == null) {
                    throw new IllegalArgumentException("the envelope carries neither an object nor bytes");
                }
                message = Objects.requireNonNull(codec.decode(payload), "the codec decoded null");
            } catch (RuntimeException e) {
                failMessage(envelope, new IllegalArgumentException("worker '" + name + "' " + ref
                    + ": undecodable message for codec '" + codec.name() + "': " + e.getMessage(), e));
                return;
            }
        }
        if (envelope.isCall()) {
            final CallReply<R> reply = new CallReply<>(this, envelope);
            try {
                worker.handleCall(message, reply);
                host.stats.handled.increment();
                if (!reply.isDone()) {
                    openCall(reply);
                }
            } catch (Exception e) {
                messageFailed("threw handling a call: " + e);
                LOG.log(Level.DEBUG, () -> "worker '" + name + "' " + ref + " threw handling a call: " + e);
                reply.failWith(new WorkerFailedException("worker '" + name + "' " + ref + " failed: " + e, e));
            } catch (Throwable t) {
                reply.failWith(new WorkerFailedException("worker '" + name + "' " + ref + " crashed: " + t, t));
                crash(t);
            }
        } else {
            try {
                worker.handleCast(message);
                host.stats.handled.increment();
            } catch (Exception e) {
                messageFailed("threw handling a cast: " + e);
                LOG.log(Level.DEBUG, () -> "worker '" + name + "' " + ref + " threw handling a cast: " + e);
                envelope.fail(new WorkerFailedException("worker '" + name + "' " + ref + " failed: " + e, e));
            } catch (Throwable t) {
                envelope.fail(new WorkerFailedException("worker '" + name + "' " + ref + " crashed: " + t, t));
                crash(t);
            }
        }
    }

    /** True while a handoff of this worker is under way. */
    boolean moving() {
        synchronized (lock) {
            return handoff != null;
        }
    }

    /** Counted for the host and the type; the type keeps the text as its last problem. */
    private void messageFailed(String what) {
        host.stats.failed.increment();
        final TypeHealth h = host.health(type);
        h.failedMessages.increment();
        h.problem(false, "'" + name + "' " + what);
    }

    private void failMessage(Envelope envelope, RuntimeException error) {
        messageFailed(error.getMessage());
        LOG.log(Level.DEBUG, () -> error.getMessage());
        envelope.fail(error);
    }

    private void openCall(CallReply<R> reply) {
        synchronized (lock) {
            if (reply.isDone()) {
                return;
            }
            reply.open = true;
            reply.next = openCalls;
            if (openCalls != null) {
                openCalls.prev = reply;
            }
            openCalls = reply;
        }
    }

    /** A call was answered: forget it (any thread). */
    void closeCall(CallReply<R> reply) {
        synchronized (lock) {
            if (!reply.open) {
                return;
            }
            reply.open = false;
            if (reply.prev != null) {
                reply.prev.next = reply.next;
            } else {
                openCalls = reply.next;
            }
            if (reply.next != null) {
                reply.next.prev = reply.prev;
            }
            reply.prev = null;
            reply.next = null;
        }
    }

    // ------------------------------------------------------------------------------------ orders

    /** Queues an internal order; false when the worker is stopping or stopped. */
    private boolean enqueue(ControlTask task) {
        synchronized (lock) {
            if (phase >= CLOSING) {
                return false;
            }
            control.offer(task);
        }
        schedule();
        return true;
    }

    /** Refuses an order older than the version this worker runs at; records a newer one. Under lock. */
    private StaleOrderException checkVersionLocked(String order, long orderVersion) {
        if (orderVersion < version) {
            return new StaleOrderException(order + " of worker '" + name + "' " + ref + " at record version "
                + orderVersion + " refused: it runs at version " + version);
        }
        version = orderVersion;
        return null;
    }

    long version() {
        synchronized (lock) {
            return version;
        }
    }

    CompletionStage<Handoff> beginHandoff(long orderVersion, Duration timeout) {
        final HandoffTask task = new HandoffTask();
        synchronized (lock) {
            if (phase >= CLOSING) {
                return CompletableFuture.failedFuture(host.noSuchWorker(ref, "has stopped"));
            }
            final StaleOrderException stale = checkVersionLocked("handoff", orderVersion);
            if (stale != null) {
                return CompletableFuture.failedFuture(stale);
            }
            if (handoff != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("a handoff of worker '" + name
                    + "' " + ref + " is under way already"));
            }
            phase = HANDING_OFF;
            handoff = task;
            control.offer(task);
        }
        try {
            task.timeout = host.timer.schedule(() -> decide(task, HandoffDecision.restart(), true),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The host is closing: its shutdown stops the worker and aborts the handoff.
        }
        schedule();
        return task.future;
    }

    private final class HandoffTask extends ControlTask {
        final CompletableFuture<Handoff> future = new CompletableFuture<>();
        final AtomicBoolean decided = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        @Override
        public void run() {
            if (decided.get()) {
                return; // timed out before its turn came
            }
            HandoffDecision decision;
            try {
                decision = worker.beginHandoff();
                if (decision == null) {
                    LOG.log(Level.WARNING, "worker '" + name + "' " + ref + " answered beginHandoff with null: restart");
                    decision = HandoffDecision.restart();
                }
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "worker '" + name + "' " + ref + " threw in beginHandoff: restart. " + t, t);
                decision = HandoffDecision.restart();
            }
            decide(this, decision, false);
        }

        void cancelTimeout() {
            final ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }

        @Override
        void abort(RuntimeException error) {
            if (decided.compareAndSet(false, true)) {
                cancelTimeout();
                host.failLater(future, error);
            }
        }
    }

    /** The handoff's outcome: from the worker's answer, or from the timeout (timer thread). */
    private void decide(HandoffTask task, HandoffDecision decision, boolean timedOut) {
        if (!task.decided.compareAndSet(false, true)) {
            if (!timedOut) {
                LOG.log(Level.INFO, "worker '" + name + "' " + ref + " answered beginHandoff (" + decision
                    + ") after its timeout: it was restarted elsewhere already");
            }
            return;
        }
        task.cancelTimeout();
        host.stats.handoffs.increment();
        if (timedOut) {
            host.stats.timeouts.increment();
            host.health(type).handoffTimedOut("'" + name + "' did not answer beginHandoff in time: restarted");
            LOG.log(Level.WARNING, "worker '" + name + "' " + ref + " did not answer beginHandoff within "
                + (type == null ? "its timeout" : type.info.handoffTimeout().toMillis() + " ms") + ": restart");
        }
        if (decision.kind() == HandoffDecision.Kind.IGNORE) {
            synchronized (lock) {
                if (handoff == task) {
                    handoff = null;
                }
                if (phase == HANDING_OFF) {
                    phase = RUNNING; // the held envelopes are next, in order: they never left the mailbox
                }
            }
            schedule();
            host.completeLater(task.future, new Handoff(decision, List.of(), false));
            return;
        }
        Closed closed = null;
        synchronized (lock) {
            if (handoff == task) {
                handoff = null;
            }
            if (phase < CLOSING) {
                closed = closeLocked(StopReason.MOVED, false, null);
            }
        }
        final List<Envelope> pending = new ArrayList<>(closed == null ? 0 : closed.dropped.size());
        if (closed != null) {
            for (Envelope e : closed.dropped) {
                if (!(e instanceof WorkerTimer)) {
                    pending.add(e); // a fired timer is not handed on: the new instance sets its own
                }
            }
        }
        schedule(); // Worker.stop(MOVED) on the worker's next turn
        host.completeLater(task.future, new Handoff(decision, pending, timedOut));
    }

    CompletionStage<byte[]> checkpoint() {
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        final ControlTask task = new ControlTask() {
            @Override
            public void run() {
                try {
                    host.completeLater(future, worker.checkpoint());
                } catch (Exception e) {
                    host.failLater(future, new WorkerFailedException("worker '" + name + "' " + ref
                        + " failed to checkpoint: " + e, e));
                } catch (Throwable t) {
                    host.failLater(future, new WorkerFailedException("worker '" + name + "' " + ref
                        + " crashed in checkpoint: " + t, t));
                    crash(t);
                }
            }

            @Override
            void abort(RuntimeException error) {
                host.failLater(future, error);
            }
        };
        if (!enqueue(task)) {
            return CompletableFuture.failedFuture(host.noSuchWorker(ref, "has stopped"));
        }
        return future;
    }

    CompletionStage<Void> resolveConflict(byte[] loserState, long orderVersion) {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final ControlTask task = new ControlTask() {
            @Override
            public void run() {
                try {
                    worker.resolveConflict(loserState);
                    host.completeLater(future, null);
                } catch (Exception e) {
                    host.failLater(future, new WorkerFailedException("worker '" + name + "' " + ref
                        + " failed to resolve a conflict: " + e, e));
                } catch (Throwable t) {
                    host.failLater(future, new WorkerFailedException("worker '" + name + "' " + ref
                        + " crashed in resolveConflict: " + t, t));
                    crash(t);
                }
            }

            @Override
            void abort(RuntimeException error) {
                host.failLater(future, error);
            }
        };
        synchronized (lock) {
            if (phase >= CLOSING) {
                return CompletableFuture.failedFuture(host.noSuchWorker(ref, "has stopped"));
            }
            final StaleOrderException stale = checkVersionLocked("resolveConflict", orderVersion);
            if (stale != null) {
                return CompletableFuture.failedFuture(stale);
            }
            control.offer(task);
        }
        schedule();
        return future;
    }

    /** An ordered stop: not reported to the driver, which gave the order. */
    CompletionStage<Void> stop(StopReason reason, long orderVersion) {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        Closed closed = null;
        synchronized (lock) {
            if (phase == STOPPED) {
                return CompletableFuture.completedFuture(null);
            }
            final StaleOrderException stale = checkVersionLocked("stop", orderVersion);
            if (stale != null) {
                return CompletableFuture.failedFuture(stale);
            }
            addWaiterLocked(future);
            if (phase < CLOSING) {
                closed = closeLocked(reason, false, null);
            }
        }
        afterClose(closed, "was stopped (" + reason + ")");
        return future;
    }

    /**
     * Stops the worker for a reason of the host's or its own (type removed, shutdown, stopSelf).
     *
     * @param report tell the driver ({@code workerEnded}) once it has stopped
     * @return completes when it has stopped
     */
    CompletableFuture<Void> closeBy(StopReason reason, boolean report) {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        Closed closed = null;
        synchronized (lock) {
            if (phase == STOPPED) {
                return CompletableFuture.completedFuture(null);
            }
            addWaiterLocked(future);
            if (phase < CLOSING) {
                closed = closeLocked(reason, report, null);
            }
        }
        afterClose(closed, "has stopped (" + reason + ")");
        return future;
    }

    /** An Error, or a throw from onStart of a hosted worker: the worker is finished. */
    private void crash(Throwable t) {
        host.stats.crashes.increment();
        host.health(type).problem(true, "'" + name + "' crashed: " + t);
        LOG.log(Level.ERROR, "worker '" + name + "' " + ref + " crashed: " + t, t);
        Closed closed = null;
        synchronized (lock) {
            if (phase < CLOSING) {
                closed = closeLocked(StopReason.CRASHED, true, t);
            }
        }
        afterClose(closed, "crashed");
    }

    private void addWaiterLocked(CompletableFuture<Void> future) {
        if (stopWaiters == null) {
            stopWaiters = new ArrayList<>(2);
        }
        stopWaiters.add(future);
    }

    /** What a close took from the worker, for the caller to settle outside the lock. */
    private record Closed(List<Envelope> dropped, ControlTask handoff) {
    }

    /** Closes the mailbox: no delivery is accepted from now on. Under lock; phase below CLOSING. */
    private Closed closeLocked(StopReason reason, boolean report, Throwable cause) {
        phase = CLOSING;
        endReason = reason;
        reportEnd = report;
        endCause = cause;
        if (timers != null) {
            for (WorkerTimer t : timers) {
                t.cancelQuietly();
            }
            timers = null;
        }
        final HandoffTask h = handoff;
        handoff = null;
        List<Envelope> dropped = List.of();
        Envelope e;
        while ((e = inbox.poll()) != null) {
            QUEUED.getAndAdd(this, -1);
            if (dropped.isEmpty()) {
                dropped = new ArrayList<>();
            }
            dropped.add(e);
        }
        return new Closed(dropped, h);
    }

    /** Fails what a close dropped and lets the worker's turn run its stop. */
    private void afterClose(Closed closed, String why) {
        if (closed != null) {
            for (Envelope e : closed.dropped) {
                try {
                    e.fail(host.noSuchWorker(ref, why));
                } catch (RuntimeException ex) {
                    LOG.log(Level.ERROR, "failing a message of worker '" + name + "' " + ref + " threw", ex);
                }
            }
            if (closed.handoff != null) {
                closed.handoff.abort(host.noSuchWorker(ref, why + " during its handoff"));
            }
        }
        schedule();
    }

    /** The last turn: orders aborted, open calls failed, {@link Worker#stop}, the driver told. */
    private void finish() {
        final StopReason reason;
        final boolean report;
        final Throwable cause;
        final CallReply<R> calls;
        synchronized (lock) {
            reason = endReason;
            report = reportEnd;
            cause = endCause;
            calls = openCalls;
            openCalls = null;
        }
        Runnable task;
        while ((task = control.poll()) != null) {
            if (task instanceof ControlTask c) {
                c.abort(host.noSuchWorker(ref, "has stopped (" + reason + ")"));
            } // the worker's own tasks are dropped
        }
        for (CallReply<R> c = calls; c != null; ) {
            final CallReply<R> next = c.next;
            c.open = false;
            c.prev = null;
            c.next = null;
            try {
                c.failWith(host.noSuchWorker(ref, "stopped (" + reason + ") before answering"));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "failing an open call of worker '" + name + "' " + ref + " threw", e);
            }
            c = next;
        }
        StopReason reported = reason;
        Throwable reportedCause = cause;
        final Worker<M, R> w = worker;
        worker = null;
        if (w != null) {
            try {
                w.stop(reason);
            } catch (Throwable t) {
                host.stats.crashes.increment();
                host.health(type).problem(true, "'" + name + "' threw in stop(" + reason + "): " + t);
                LOG.log(Level.ERROR, "worker '" + name + "' " + ref + " threw in stop(" + reason + "): " + t, t);
                if (report && reason != StopReason.CRASHED) {
                    reported = StopReason.CRASHED;
                    reportedCause = t;
                }
            }
        }
        host.removed(this);
        final List<CompletableFuture<Void>> waiters;
        synchronized (lock) {
            phase = STOPPED;
            waiters = stopWaiters;
            stopWaiters = null;
        }
        host.ended(this, reported, reportedCause, report && known, waiters);
    }

    int phase() {
        return phase;
    }

    // ------------------------------------------------------------------------------------ WorkerContext

    @Override
    public String name() {
        return name;
    }

    @Override
    public WorkerRef self() {
        return ref;
    }

    @Override
    public byte[] args() {
        return args.clone();
    }

    @Override
    public StartReason startReason() {
        return startReason;
    }

    @Override
    public SwarmRegistry registry() {
        return host.registry();
    }

    @Override
    public Executor mailbox() {
        return this;
    }

    /** The mailbox executor: runs {@code task} between messages; dropped once the worker stops or moves. */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (phase >= CLOSING) {
            return;
        }
        control.offer(task);
        schedule();
    }

    @Override
    public Timer schedule(Duration delay, M message) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(message, "message");
        final WorkerTimer timer = new WorkerTimer(this, message);
        synchronized (lock) {
            if (phase >= CLOSING) {
                timer.cancelQuietly();
                return timer;
            }
            if (timers == null) {
                timers = new HashSet<>();
            }
            timers.add(timer);
        }
        final long nanos = delay.isNegative() ? 0 : saturatedNanos(delay);
        try {
            timer.scheduled(host.timer.schedule(timer, nanos, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            timer.cancel(); // the host is closing
        }
        return timer;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    @Override
    public void stopSelf() {
        closeBy(StopReason.NORMAL, true);
    }

    @Override
    public void checkpointNow() {
        host.checkpointRequested(ref);
    }

    int pendingTimers() {
        synchronized (lock) {
            return timers == null ? 0 : timers.size();
        }
    }

    @Override
    public String toString() {
        return "worker '" + name + "' " + ref;
    }
}

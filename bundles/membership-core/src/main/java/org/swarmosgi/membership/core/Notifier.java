package org.swarmosgi.membership.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.MembershipListener;

/**
 * Tells listeners of member events, in order, one at a time, on its own thread, so a slow listener
 * never stalls the heartbeat loop. Owns the published view: {@link #members()} changes just before
 * listeners hear of the change.
 */
final class Notifier implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Notifier.class.getName());

    private final ExecutorService executor;
    private final Member self;
    private final Map<NodeId, Member> view = new TreeMap<>();
    private final List<Registration> listeners = new ArrayList<>();
    private volatile List<Member> snapshot;

    /** Runs on the notifier's thread when a listener threw (it is also logged): the engine counts it. */
    private final Runnable listenerFailed;

    Notifier(Member self, Runnable listenerFailed) {
        this.self = self;
        this.listenerFailed = listenerFailed;
        this.snapshot = List.of(self);
        this.executor = Executors.newSingleThreadExecutor(task -> {
            final Thread thread = new Thread(task, "swarm-membership-notify-" + self.id().name());
            thread.setDaemon(true);
            return thread;
        });
    }

    Collection<Member> members() {
        return snapshot;
    }

    void publish(MemberEvent event) {
        run(() -> {
            if (event.up()) {
                view.put(event.member().id(), event.member());
            } else {
                view.remove(event.member().id());
            }
            final List<Member> next = new ArrayList<>(view.size() + 1);
            next.add(self);
            next.addAll(view.values());
            snapshot = List.copyOf(next);
            for (Registration registration : List.copyOf(listeners)) {
                registration.deliver(event);
            }
        });
    }

    Subscription subscribe(MembershipListener listener) {
        final Registration registration = new Registration(listener);
        run(() -> {
            for (Member member : view.values()) {
                registration.deliver(MemberEvent.up(member));
            }
            listeners.add(registration);
        });
        return registration;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "membership listeners did not finish within 2 s");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closed) {
            // closing: nobody listens any more
        }
    }

    private final class Registration implements Subscription {
        private final MembershipListener listener;
        private volatile boolean closed;

        Registration(MembershipListener listener) {
            this.listener = listener;
        }

        void deliver(MemberEvent event) {
            if (closed) {
                return;
            }
            try {
                if (event.up()) {
                    listener.memberUp(event.member());
                } else {
                    listener.memberDown(event.member(), event.reason());
                }
            } catch (RuntimeException e) {
                listenerFailed.run();
                LOG.log(System.Logger.Level.WARNING, "membership listener " + listener + " failed", e);
            }
        }

        @Override
        public void close() {
            closed = true;
            run(() -> listeners.remove(this));
        }
    }
}

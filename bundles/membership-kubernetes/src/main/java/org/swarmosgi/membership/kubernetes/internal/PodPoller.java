package org.swarmosgi.membership.kubernetes.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.swarmosgi.membership.kubernetes.internal.PodsResult.Failed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Listed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Problem;

/**
 * Polls the pods API on one thread of its own, from the end of one poll to the start of the next,
 * and hands every successful answer's member pods to {@code onTargets}. A failed poll is logged
 * (see {@link ProblemLog}) and changes nothing: the caller keeps the targets it had.
 */
final class PodPoller implements AutoCloseable {

    static final Logger LOG = System.getLogger("org.swarmosgi.membership.kubernetes");

    private final KubernetesSettings settings;
    private final Consumer<List<PodTarget>> onTargets;
    private final ScheduledExecutorService thread;
    private final PodsClient client;
    private final ProblemLog problems = new ProblemLog(LOG);
    /** Targets of the last successful poll, by IP: only for logging what changed. Poll thread only. */
    private Map<String, PodTarget> current = Map.of();
    private volatile boolean closed;
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param onTargets told the member pods (Running, Ready, with an IP) after every successful
     *                  poll, on the poll thread; never after a failed one
     */
    PodPoller(KubernetesSettings settings, Consumer<List<PodTarget>> onTargets) {
        this.settings = settings;
        this.onTargets = onTargets;
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            final Thread t = new Thread(r, "swarm-kubernetes-pods");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.thread = executor;
        // The HTTP client runs its asynchronous work on the same thread: nothing there blocks.
        this.client = new PodsClient(settings, executor);
    }

    /** Polls at once, then every poll interval. */
    void start() {
        thread.execute(this::poll);
    }

    private void poll() {
        if (closed) {
            return;
        }
        try {
            CompletableFuture<PodsResult> answer;
            try {
                answer = client.list();
            } catch (RuntimeException | Error e) {
                answer = CompletableFuture.failedFuture(e); // logged below, and polling goes on
            }
            // The watchdog bounds the whole poll: the HTTP client's own timeout ends at the headers, so
            // a server that stalls the body would otherwise hold discovery forever.
            final CompletableFuture<PodsResult> sent = answer;
            final CompletableFuture<PodsResult> bounded = new CompletableFuture<>();
            sent.whenComplete((result, failure) -> {
                if (failure != null) {
                    bounded.completeExceptionally(failure);
                } else {
                    bounded.complete(result);
                }
            });
            final long deadline = watchdogMillis();
            final ScheduledFuture<?> watchdog = thread.schedule(() -> {
                if (bounded.complete(new Failed(Problem.TIMEOUT, 0, "the poll of GET " + settings.podsUri()
                        + " did not finish within request_timeout_ms " + settings.requestTimeout().toMillis()
                        + " (headers and body); given up after " + deadline + " ms"))) {
                    sent.cancel(true); // JDK 16+: cancels the exchange, the connection is closed
                }
            }, deadline, TimeUnit.MILLISECONDS);
            bounded.whenCompleteAsync((result, bug) -> {
                watchdog.cancel(false);
                try {
                    if (bug != null) {
                        error("poll failed unexpectedly", bug);
                    } else if (!closed) {
                        handle(result);
                    }
                } catch (RuntimeException | Error e) {
                    error("handling a poll failed", e);
                } finally {
                    scheduleNext();
                }
            }, thread);
        } catch (RuntimeException | Error e) {
            error("starting a poll failed", e);
            scheduleNext();
        }
    }

    /** The HTTP client's timeout fires first for a silent server; the watchdog catches the rest. */
    private long watchdogMillis() {
        final long timeout = settings.requestTimeout().toMillis();
        return timeout + Math.max(250, timeout / 4);
    }

    private void scheduleNext() {
        if (!closed) {
            try {
                thread.schedule(this::poll, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    /** Counted and logged; polling goes on. */
    private void error(String what, Throwable t) {
        errors.incrementAndGet();
        LOG.log(Level.ERROR, "Kubernetes membership: " + what + " (" + errors.get() + " error(s) so far)", t);
    }

    /** Unexpected errors while polling (bugs, not API trouble), each also logged. */
    long errors() {
        return errors.get();
    }

    private void handle(PodsResult result) {
        if (result instanceof Failed failed) {
            problems.failed(failed);
            return;
        }
        problems.succeeded();
        final Map<String, PodTarget> next = new LinkedHashMap<>();
        for (Pod pod : ((Listed) result).pods()) {
            if (pod.isMember()) {
                // Two pods with one IP (hostNetwork) are one node: the first listed is kept.
                next.putIfAbsent(pod.ip(), PodTarget.of(pod, settings.basename()));
            }
        }
        logChanges(next);
        current = next;
        onTargets.accept(Collections.unmodifiableList(new ArrayList<>(next.values()))); // errors: see poll()
    }

    private void logChanges(Map<String, PodTarget> next) {
        final List<String> added = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        final List<String> leaving = new ArrayList<>();
        next.forEach((ip, t) -> {
            final PodTarget before = current.get(ip);
            if (before == null) {
                added.add(t.nodeName() + " (pod " + LogText.safe(t.podName(), 253) + ")");
            }
            if (t.leaving() && (before == null || !before.leaving())) {
                leaving.add(t.nodeName() + " (pod " + LogText.safe(t.podName(), 253) + ")");
            }
        });
        current.forEach((ip, t) -> {
            if (!next.containsKey(ip)) {
                removed.add(t.nodeName() + " (pod " + LogText.safe(t.podName(), 253) + ")");
            }
        });
        if (!added.isEmpty() || !removed.isEmpty() || !leaving.isEmpty()) {
            LOG.log(Level.INFO, "Kubernetes membership: pods matching '" + settings.selector() + "' in namespace "
                    + settings.namespace() + ": added " + added + ", removed " + removed
                    + (leaving.isEmpty() ? "" : ", being deleted (kept until they leave, admitted no more) " + leaving));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "Kubernetes membership: the poll thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

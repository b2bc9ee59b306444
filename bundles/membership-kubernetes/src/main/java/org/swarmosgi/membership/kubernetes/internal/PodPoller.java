package org.swarmosgi.membership.kubernetes.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.swarmosgi.membership.kubernetes.internal.PodsResult.Failed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Listed;

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
        CompletableFuture<PodsResult> answer;
        try {
            answer = client.list();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e); // logged below, and polling goes on
        }
        answer.whenCompleteAsync((result, bug) -> {
            try {
                if (bug != null) {
                    LOG.log(Level.ERROR, "Kubernetes membership: poll failed unexpectedly", bug);
                } else if (!closed) {
                    handle(result);
                }
            } finally {
                if (!closed) {
                    thread.schedule(this::poll, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }, thread);
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
        try {
            onTargets.accept(Collections.unmodifiableList(new ArrayList<>(next.values())));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Kubernetes membership: applying the pod targets failed", e);
        }
    }

    private void logChanges(Map<String, PodTarget> next) {
        final List<String> added = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        next.forEach((ip, t) -> {
            if (!current.containsKey(ip)) {
                added.add(t.nodeName() + " (pod " + t.podName() + ")");
            }
        });
        current.forEach((ip, t) -> {
            if (!next.containsKey(ip)) {
                removed.add(t.nodeName() + " (pod " + t.podName() + ")");
            }
        });
        if (!added.isEmpty() || !removed.isEmpty()) {
            LOG.log(Level.INFO, "Kubernetes membership: pods matching '" + settings.selector() + "' in namespace "
                    + settings.namespace() + ": added " + added + ", removed " + removed);
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

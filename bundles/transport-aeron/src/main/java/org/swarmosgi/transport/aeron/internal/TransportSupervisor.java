package org.swarmosgi.transport.aeron.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.swarmosgi.api.transport.Transport;

/**
 * Keeps a transport running: starts an {@link AeronTransportEngine} and publishes it; when an error
 * makes the engine unusable, withdraws it (so everything that needs a transport, membership first, stops
 * and the node LEAVEs the cluster instead of staying "up" with a dead transport), closes it, and after a
 * backoff (doubling to a maximum) starts a fresh one on the same port and publishes it again.
 */
final class TransportSupervisor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransportSupervisor.class.getName());
    /** An engine that ran this long resets the backoff: its failure is news, not a loop. */
    private static final long STABLE_NS = TimeUnit.MINUTES.toNanos(1);

    /** Publishes a transport; the returned action withdraws it. */
    @FunctionalInterface
    interface Registrar extends Function<Transport, Runnable> {
    }

    private final TransportSettings settings;
    private final Registrar registrar;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final ScheduledExecutorService restarts;
    /** One set of counters for every engine this supervisor starts: figures survive a restart. */
    private final TransportStats stats = new TransportStats();
    // Guarded by this.
    private AeronTransportEngine engine;
    private Runnable withdraw;
    private boolean closed;
    private long backoffMs;
    private long startedNs;
    private int port;
    private int restartsDone;

    TransportSupervisor(TransportSettings settings, Registrar registrar, long initialBackoffMs, long maxBackoffMs) {
        this.settings = settings;
        this.registrar = registrar;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.backoffMs = initialBackoffMs;
        this.port = settings.port();
        this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, AeronTransportEngine.THREAD_PREFIX + settings.nodeId().name() + "-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts and publishes the first engine; throws (and leaves nothing behind) when it cannot start. */
    synchronized void start() {
        try {
            launch(settings);
        } catch (RuntimeException | Error e) {
            restarts.shutdownNow();
            throw e;
        }
    }

    /** The running engine, or null while it is being restarted. */
    synchronized AeronTransportEngine engine() {
        return engine;
    }

    /** How many times a failed engine was replaced. */
    synchronized int restarts() {
        return restartsDone;
    }

    /** The counters of every engine started here, restarts included. */
    TransportStats stats() {
        return stats;
    }

    private void launch(TransportSettings s) {
        final AeronTransportEngine[] started = new AeronTransportEngine[1];
        started[0] = AeronTransportEngine.start(s, stats, cause -> failed(started[0], cause));
        engine = started[0];
        startedNs = System.nanoTime();
        port = engine.localEndpoint().port(); // a restart takes the same port back: peers keep our endpoint
        withdraw = registrar.apply(engine);
    }

    /** On the failed engine's own thread, once. */
    private void failed(AeronTransportEngine failed, Throwable cause) {
        synchronized (this) {
            if (closed || engine != failed) {
                failed.close();
                return;
            }
            engine = null;
            if (System.nanoTime() - startedNs > STABLE_NS) {
                backoffMs = initialBackoffMs;
            }
        }
        LOG.log(System.Logger.Level.ERROR, "{0}: the transport failed ({1}); withdrawing it and restarting in {2} ms",
            settings.nodeId(), cause, backoffMs);
        withdrawQuietly();
        failed.close();
        schedule();
    }

    private synchronized void schedule() {
        if (closed) {
            return;
        }
        final long delay = backoffMs;
        backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
        restarts.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
    }

    private void restart() {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                launch(settings.withPort(port));
                restartsDone++;
                stats.countRestart();
                LOG.log(System.Logger.Level.INFO, "{0}: the transport is back at {1}", settings.nodeId(),
                    engine.localEndpoint());
                return;
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, settings.nodeId() + ": restarting the transport failed; trying again", e);
            }
        }
        schedule();
    }

    private void withdrawQuietly() {
        final Runnable w;
        synchronized (this) {
            w = withdraw;
            withdraw = null;
        }
        if (w != null) {
            try {
                w.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, settings.nodeId() + ": withdrawing the transport failed", e);
            }
        }
    }

    @Override
    public void close() {
        final AeronTransportEngine e;
        synchronized (this) {
            closed = true;
            e = engine;
            engine = null;
        }
        restarts.shutdownNow();
        withdrawQuietly();
        if (e != null) {
            e.close();
        }
    }
}

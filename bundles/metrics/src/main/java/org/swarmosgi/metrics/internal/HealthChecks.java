package org.swarmosgi.metrics.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.metrics.Metric;

/**
 * Liveness and readiness of the node, judged from what the metric sources count and what the registry
 * says. {@link #sample} runs every check interval on one thread; the answers it computes are read by
 * the HTTP endpoints, the files and the shell from any thread.
 *
 * <p>Alive: the transport's duty cycle turned within the window (a node without a transport is not
 * alive), and so did the membership engine's and the registry's where they run. Ready: alive, the
 * registry runs, has quorum (always, without a quorum size) and is ready (its replica synced with the
 * topology). The JVM is up when anything answers at all.
 */
final class HealthChecks {

    /** Duty-cycle counters: name of the check, metric, whether the node is dead without it. */
    private record Turning(String check, String metric, boolean required) {
    }

    private static final List<Turning> TURNING = List.of(
        new Turning("transport", "swarm_transport_duty_cycles_total", true),
        new Turning("membership", "swarm_membership_duty_cycles_total", false),
        new Turning("registry", "swarm_registry_duty_cycles_total", false));

    /** A counter's last value and when it last changed (clock nanos). */
    private static final class Seen {
        long value;
        long changedAt;
    }

    private final Sources sources;
    private final Supplier<SwarmRegistry> registry;
    private final LongSupplier nanoClock;
    private final long windowNanos;
    private final Map<String, Seen> seen = new HashMap<>();
    private volatile Health alive;
    private volatile Health ready;

    HealthChecks(Sources sources, Supplier<SwarmRegistry> registry, long windowMs, LongSupplier nanoClock) {
        this.sources = sources;
        this.registry = registry;
        this.windowNanos = windowMs * 1_000_000;
        this.nanoClock = nanoClock;
        final Health starting = Health.of(List.of(new Health.Check("checks", false, "not run yet")));
        this.alive = starting;
        this.ready = starting;
    }

    /** The checks' thread: reads the counters now and judges. */
    void sample() {
        final long now = nanoClock.getAsLong();
        final Map<String, Long> values = new HashMap<>();
        for (Metric m : sources.read(null)) {
            if (m.labels().isEmpty()) {
                values.put(m.name(), m.value());
            }
        }
        final List<Health.Check> checks = new ArrayList<>(4);
        checks.add(new Health.Check("jvm", true, "up " + java.lang.management.ManagementFactory.getRuntimeMXBean()
            .getUptime() / 1000 + " s"));
        for (Turning t : TURNING) {
            final Long v = values.get(t.metric);
            if (v == null) {
                seen.remove(t.metric);
                if (t.required) {
                    checks.add(new Health.Check(t.check, false, "not running"));
                }
                continue;
            }
            Seen s = seen.get(t.metric);
            if (s == null || s.value != v) {
                if (s == null) {
                    s = new Seen();
                    seen.put(t.metric, s);
                }
                s.value = v;
                s.changedAt = now;
            }
            final long still = now - s.changedAt;
            checks.add(still <= windowNanos
                ? new Health.Check(t.check, true, "turning")
                : new Health.Check(t.check, false, String.format("no turn for %.1f s", still / 1e9)));
        }
        final Health a = Health.of(checks);
        final List<Health.Check> readiness = new ArrayList<>(3);
        readiness.add(new Health.Check("alive", a.up(), a.up() ? "alive" : failed(a)));
        final SwarmRegistry r = registry.get();
        if (r == null) {
            readiness.add(new Health.Check("registry", false, "not running"));
        } else {
            final boolean quorum = r.hasQuorum();
            readiness.add(new Health.Check("quorum", quorum, quorum ? "held (or not configured)" : "lost"));
            readiness.add(new Health.Check("registry", r.ready(), r.ready() ? "in sync, "
                + r.nodes().size() + " node(s)" : "syncing with the topology"));
        }
        alive = a;
        ready = Health.of(readiness);
    }

    private static String failed(Health h) {
        final StringBuilder b = new StringBuilder();
        for (Health.Check c : h.checks()) {
            if (!c.ok()) {
                b.append(b.length() == 0 ? "" : "; ").append(c.name()).append(": ").append(c.detail());
            }
        }
        return b.toString();
    }

    Health alive() {
        return alive;
    }

    Health ready() {
        return ready;
    }
}

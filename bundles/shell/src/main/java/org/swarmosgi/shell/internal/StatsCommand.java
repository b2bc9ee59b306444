package org.swarmosgi.shell.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.swarmosgi.api.metrics.MetricSource;

/**
 * {@code swarm:stats}: this node's counters by part (transport, membership, registry, container):
 * messages in and out, handoffs, restarts, drops and forged packets by reason, ups and downs, errors
 * of every duty cycle. The same figures as JMX and {@code /metrics}, from the same metric sources.
 */
@Component(service = StatsCommand.class, property = {"osgi.command.scope=swarm", "osgi.command.function=stats"})
public final class StatsCommand {

    private final List<MetricSource> sources = new CopyOnWriteArrayList<>();

    @Reference(service = MetricSource.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, unbind = "removeSource")
    void addSource(MetricSource source) {
        sources.add(source);
    }

    void removeSource(MetricSource source) {
        sources.remove(source);
    }

    @Descriptor("this node's counters: messages in and out, handoffs, restarts, drops and forged packets by "
        + "reason, membership ups and downs, duty-cycle errors")
    public String stats() {
        return StatsReport.text(StatsReport.read(sources));
    }

    @Descriptor("this node's counters; --json prints one JSON document with every figure")
    public String stats(@Descriptor("--json") String flag) {
        if (!"--json".equals(flag)) {
            throw new IllegalArgumentException("usage: swarm:stats [--json]");
        }
        return StatsReport.json(StatsReport.read(sources));
    }
}

package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.WorkerType;
import org.swarmosgi.api.host.Envelope;
import org.swarmosgi.api.host.Handoff;
import org.swarmosgi.api.host.HostDriver;
import org.swarmosgi.api.host.StartOrder;
import org.swarmosgi.api.host.WorkerHost;
import org.swarmosgi.api.host.WorkerTypeInfo;
import org.swarmosgi.api.host.WorkerTypeStatus;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;
import org.swarmosgi.api.node.LocalNode;

/**
 * The OSGi face of {@link LocalWorkerHost}: the node id from {@link LocalNode}, settings from PID
 * {@code org.swarmosgi.container}, worker types from every {@link WorkerType} service (whiteboard).
 * A new node incarnation (LocalNode re-registered) restarts the host: every worker stops
 * ({@link StopReason#SHUTDOWN}) since refs name an incarnation.
 */
// Immediate: workers live in this instance; a delayed component would drop them when its last user ungets it.
@Component(service = {WorkerHost.class, MetricSource.class}, configurationPid = ContainerSettings.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = ContainerConfig.class)
public final class ContainerComponent implements WorkerHost, MetricSource {
    private static final System.Logger LOG = System.getLogger(ContainerComponent.class.getName());

    private final LocalWorkerHost host;

    @Activate
    public ContainerComponent(@Reference(name = "localNode") LocalNode node, ContainerConfig config) {
        final ContainerSettings settings;
        try {
            settings = ContainerSettings.from(config);
        } catch (ContainerSettings.ConfigException e) {
            LOG.log(Level.ERROR, e.getMessage());
            throw e;
        }
        host = new LocalWorkerHost(node.id(), node.roles(), settings);
        LOG.log(Level.INFO, "worker host of " + node.id() + ": " + settings.poolThreads() + " pool threads, mailboxes of "
            + settings.mailboxCapacity() + ", " + settings.maxBatch() + " messages a turn");
    }

    @Reference(name = "workerType", service = WorkerType.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, unbind = "removeWorkerType")
    void addWorkerType(WorkerType<?, ?> type, Map<String, Object> properties) {
        host.addType(type, properties);
    }

    void removeWorkerType(WorkerType<?, ?> type, Map<String, Object> properties) {
        host.removeType(type);
    }

    @Deactivate
    void deactivate() {
        host.close();
    }

    @Override
    public String group() {
        return "Container";
    }

    @Override
    public List<Metric> metrics() {
        return host.metrics();
    }

    @Override
    public Subscription attach(HostDriver driver) {
        return host.attach(driver);
    }

    @Override
    public Map<String, WorkerTypeInfo> workerTypes() {
        return host.workerTypes();
    }

    @Override
    public List<WorkerTypeStatus> typeStatus() {
        return host.typeStatus();
    }

    @Override
    public CompletionStage<WorkerRef> start(StartOrder order) {
        return host.start(order);
    }

    @Override
    public <M, R> WorkerRef host(String name, Worker<M, R> worker, Codec<M> codec, Codec<R> replyCodec, long version) {
        return host.host(name, worker, codec, replyCodec, version);
    }

    @Override
    public void deliver(WorkerRef worker, Envelope envelope) {
        host.deliver(worker, envelope);
    }

    @Override
    public Executor deliveries() {
        return host.deliveries();
    }

    @Override
    public CompletionStage<Handoff> beginHandoff(WorkerRef worker, long version) {
        return host.beginHandoff(worker, version);
    }

    @Override
    public CompletionStage<byte[]> checkpoint(WorkerRef worker) {
        return host.checkpoint(worker);
    }

    @Override
    public CompletionStage<Void> resolveConflict(WorkerRef worker, byte[] loserState, long version) {
        return host.resolveConflict(worker, loserState, version);
    }

    @Override
    public CompletionStage<Void> stop(WorkerRef worker, StopReason reason, long version) {
        return host.stop(worker, reason, version);
    }
}

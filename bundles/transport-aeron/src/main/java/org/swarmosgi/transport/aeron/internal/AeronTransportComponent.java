package org.swarmosgi.transport.aeron.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;

/**
 * The OSGi face of {@link AeronTransportEngine}: identity, cluster, addresses, work folder and key
 * from {@link LocalNode}; tuning from PID {@code org.swarmosgi.transport.aeron}. It registers the
 * {@link Transport} service itself, through a {@link TransportSupervisor}: when the engine fails (an
 * Error on its duty cycle, Aeron gone) the service is withdrawn, so every membership strategy (each
 * has a mandatory static reference to it) deactivates and sends LEAVE; a fresh engine then starts after
 * a backoff, the service comes back and the node rejoins. Membership is an optional, dynamic reference
 * because membership strategies themselves use the transport: peers are connected when membership
 * reports them up and released when it reports them down.
 */
// Immediate: a delayed component would stop when its last user ungets it and come back on another
// ephemeral port, a new endpoint the cluster has not heard of. The Transport is no DS service: the
// supervisor registers it; the capability tells resolvers (Karaf's) that this bundle provides it. The
// component itself is the transport's MetricSource (its figures survive engine restarts).
@Component(service = MetricSource.class, configurationPid = AeronTransportComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = TransportConfig.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.swarmosgi.api.transport.Transport\"",
    uses = Transport.class)
public final class AeronTransportComponent implements MetricSource {
    public static final String PID = "org.swarmosgi.transport.aeron";
    static final long INITIAL_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 30_000;

    private final TransportSupervisor supervisor;
    private final AtomicReference<Subscription> membership = new AtomicReference<>();

    @Activate
    public AeronTransportComponent(BundleContext context, @Reference(name = "localNode") LocalNode node,
                                   TransportConfig config) {
        this(settings(node, config), transport -> {
            final ServiceRegistration<Transport> registration = context.registerService(Transport.class, transport, null);
            return () -> {
                try {
                    registration.unregister();
                } catch (IllegalStateException gone) {
                    // the bundle is stopping: the framework withdrew it already
                }
            };
        }, INITIAL_BACKOFF_MS);
    }

    /** Outside a framework (tests): {@code registrar} publishes the transport and returns how to withdraw it. */
    AeronTransportComponent(TransportSettings settings, TransportSupervisor.Registrar registrar, long initialBackoffMs) {
        this.supervisor = new TransportSupervisor(settings, registrar, initialBackoffMs, MAX_BACKOFF_MS);
        supervisor.start();
    }

    /** Maps the configuration; {@link TransportSettings} checks every value and names the key at fault. */
    static TransportSettings settings(LocalNode node, TransportConfig c) {
        final boolean external = !c.aeron_dir().isBlank();
        final Path dir = external ? Path.of(c.aeron_dir().trim()) : node.workDirectory().resolve("aeron");
        return new TransportSettings(node.id(), node.clusterName(), node.deriveKey("transport"), node.bindAddress(),
            c.port(), node.advertiseAddress(), dir, external, c.threading_mode(), c.idle_strategy(),
            TimeUnit.MICROSECONDS.toNanos(c.idle_max_park_us()), // saturates: a huge value stays out of range
            c.term_length(), c.chunk_size(), c.max_payload(),
            Duration.ofMillis(c.call_timeout_ms()), Duration.ofMillis(c.send_retry_timeout_ms()),
            Duration.ofMillis(c.connect_timeout_ms()), Duration.ofMillis(c.hello_window_ms()),
            c.callback_threads(), c.stream_session_limit(), c.reassembly_max_bytes(),
            Duration.ofMillis(c.transfer_timeout_ms()));
    }

    /** The running engine, or null while a failed one is being replaced. */
    AeronTransportEngine engine() {
        return supervisor.engine();
    }

    TransportSupervisor supervisor() {
        return supervisor;
    }

    @Override
    public String group() {
        return "Transport";
    }

    @Override
    public List<Metric> metrics() {
        return supervisor.stats().metrics();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindMembership(Membership service) {
        final Subscription previous = membership.getAndSet(service.subscribe(new Listener()));
        if (previous != null) {
            previous.close();
        }
    }

    void unbindMembership(Membership service) {
        final Subscription previous = membership.getAndSet(null);
        if (previous != null) {
            previous.close();
        }
    }

    @Deactivate
    void deactivate() {
        final Subscription previous = membership.getAndSet(null);
        if (previous != null) {
            previous.close();
        }
        supervisor.close();
    }

    /** Membership events arrive on the strategy's thread and must return at once: opening a stream blocks. */
    private final class Listener implements MembershipListener {
        @Override
        public void memberUp(Member member) {
            final AeronTransportEngine engine = supervisor.engine();
            if (engine != null) {
                engine.connectLater(member);
            }
        }

        @Override
        public void memberDown(Member member, DownReason reason) {
            final AeronTransportEngine engine = supervisor.engine();
            if (engine != null) {
                engine.release(member, member.id() + " " + reason);
            }
        }
    }
}

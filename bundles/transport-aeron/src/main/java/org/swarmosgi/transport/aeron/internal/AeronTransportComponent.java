package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.MessageHandler;
import org.swarmosgi.api.transport.Transport;

/**
 * The OSGi face of {@link AeronTransportEngine}: identity, cluster, addresses, work folder and key
 * from {@link LocalNode}; tuning from PID {@code org.swarmosgi.transport.aeron}. Membership is an
 * optional, dynamic reference because membership strategies themselves use this service to learn the
 * local endpoint: peers are connected when membership reports them up and released when it reports
 * them down.
 */
// Immediate: a delayed component would stop when its last user ungets it and come back on another
// ephemeral port, a new endpoint the cluster has not heard of.
@Component(service = Transport.class, configurationPid = AeronTransportComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = TransportConfig.class)
public final class AeronTransportComponent implements Transport {
    public static final String PID = "org.swarmosgi.transport.aeron";

    private final AeronTransportEngine engine;
    private final AtomicReference<Subscription> membership = new AtomicReference<>();

    @Activate
    public AeronTransportComponent(@Reference(name = "localNode") LocalNode node, TransportConfig config) {
        this.engine = AeronTransportEngine.start(settings(node, config));
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
            c.callback_threads());
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
        engine.close();
    }

    /** Membership events arrive on the strategy's thread and must return at once: opening a stream blocks. */
    private final class Listener implements MembershipListener {
        @Override
        public void memberUp(Member member) {
            engine.connectLater(member.endpoint());
        }

        @Override
        public void memberDown(Member member, DownReason reason) {
            engine.release(member.endpoint(), member.id() + " " + reason);
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return engine.localEndpoint();
    }

    @Override
    public int maxInlinePayload() {
        return engine.maxInlinePayload();
    }

    @Override
    public int maxPayload() {
        return engine.maxPayload();
    }

    @Override
    public void send(Endpoint peer, int topic, ByteBuffer payload) {
        engine.send(peer, topic, payload);
    }

    @Override
    public CompletionStage<ByteBuffer> request(Endpoint peer, int topic, ByteBuffer payload, Duration timeout) {
        return engine.request(peer, topic, payload, timeout);
    }

    @Override
    public Subscription handle(int topic, Executor executor, MessageHandler handler) {
        return engine.handle(topic, executor, handler);
    }
}

package org.swarmosgi.membership.core;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.metrics.Metric;

/**
 * A running membership: one UDP socket and one thread that receives heartbeats, sends this node's
 * own, and runs the failure detector; a second, idle-most-of-the-time thread tells listeners.
 * Strategies start it with {@link #start}, publish it as their {@link Membership} (it is one), feed
 * it unicast targets with {@link #setTargets} and {@link #close()} it on deactivation, which sends
 * LEAVE so peers drop this node at once.
 */
public final class MembershipEngine implements Membership, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MembershipEngine.class.getName());

    /** A failed member is remembered this long (to take it back if it returns), then forgotten. */
    static final long DOWN_RETENTION_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** An address heard of by gossip is heartbeated this long unless a heartbeat or gossip renews it. */
    static final long LEARNED_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Receive buffer asked of the kernel, which may give less. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;
    /** Most datagrams read per loop turn. */
    private static final int MAX_DRAIN = 4096;
    /** (source, reason) pairs whose refusals are rate-limited apart; beyond, they share one line. */
    private static final int LOGGED_KEYS = 256;
    /** At most one refusal line per (source, reason) this often, with the count since the last. */
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final EngineConfig config;
    private final Delivery delivery;
    private final AdmissionFilter filter;
    private final Member self;
    private final DatagramChannel channel;
    private final Selector selector;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress advertised;
    private final Notifier notifier;
    /**
     * Each element has one writer, the engine thread (LISTENER_ERROR: the notifier's): a plain read and a
     * release store per count (no lock prefix, no allocation); readers on other threads read with acquire.
     */
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    /** Engine thread: counts an up or down, then hands it to the notifier (one object, not a lambda per call). */
    private final Consumer<MemberEvent> publish = this::publish;
    private final Thread thread;
    private volatile Set<InetSocketAddress> targets = Set.of();
    /**
     * When each member's last heartbeat was accepted (wall-clock ms), for {@link #lastHeartbeat}: written by
     * the engine thread only, read by any; holds what the table holds (pruned at each check).
     */
    private final ConcurrentHashMap<NodeId, Long> lastHeard = new ConcurrentHashMap<>();
    /** Set by {@link #setTargets}: the engine thread asks the filter again about current members. */
    private volatile boolean recheckAdmission;
    private volatile boolean running = true;
    private final AtomicBoolean closed = new AtomicBoolean();

    // Engine thread only.
    private final HeartbeatCodec codec;
    private final MemberTable table;
    private final ByteBuffer sendBuffer = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE + 1);
    private final Map<InetSocketAddress, Long> learned = new HashMap<>();
    private final LogLimiter logLimiter = new LogLimiter(LOGGED_KEYS, LOG_INTERVAL_NANOS);
    private long sequence;
    private int gossipOffset;

    private MembershipEngine(EngineConfig config, Delivery delivery, AdmissionFilter filter) throws IOException {
        this.config = config;
        this.delivery = delivery;
        this.filter = Objects.requireNonNull(filter, "filter");
        this.self = new Member(config.self(), config.transportEndpoint());
        this.codec = new HeartbeatCodec(config.clusterName(), config.key());
        this.table = new MemberTable(config.self(), config.timing(), DOWN_RETENTION_NANOS, System::currentTimeMillis);
        // Starts above anything an earlier run of this incarnation sent (a reconfigured component).
        this.sequence = System.currentTimeMillis() * 1000;
        this.channel = open(delivery);
        try {
            channel.configureBlocking(false);
            // Room for bursts while this thread is descheduled; the kernel caps it (net.core.rmem_max).
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            this.localAddress = (InetSocketAddress) channel.getLocalAddress();
            this.advertised = delivery instanceof Delivery.Unicast u && u.advertise() != null
                    ? new InetSocketAddress(u.advertise(), localAddress.getPort()) : null;
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        // The notifier's thread is the one writer of LISTENER_ERROR (each element of the array has one writer).
        this.notifier = new Notifier(self, () -> count(Counter.LISTENER_ERROR, 1));
        this.thread = new Thread(this::run, "swarm-membership-" + config.self().name());
        this.thread.setDaemon(true);
    }

    /**
     * Opens the socket and starts heartbeating.
     *
     * @param filter decides on strangers; {@link AdmissionFilter#ANY} admits every key holder
     * @throws IOException when the socket cannot be opened, bound or joined (the message says which)
     */
    public static MembershipEngine start(EngineConfig config, Delivery delivery, AdmissionFilter filter)
            throws IOException {
        final MembershipEngine engine = new MembershipEngine(config, delivery, filter);
        engine.thread.start();
        return engine;
    }

    /**
     * Sets the unicast targets this node heartbeats besides the members it has admitted (static seeds,
     * pods). Replaces the previous set; thread-safe; this node's own address is skipped. The engine
     * then asks the admission filter again about every current member and drops those it refuses
     * ("no longer admitted"): update the filter's view before calling this.
     *
     * @throws IllegalStateException in multicast mode
     */
    public void setTargets(Collection<InetSocketAddress> newTargets) {
        if (!(delivery instanceof Delivery.Unicast)) {
            throw new IllegalStateException("targets are for unicast delivery");
        }
        for (InetSocketAddress target : newTargets) {
            if (target.isUnresolved()) {
                throw new IllegalArgumentException("target is unresolved: " + target);
            }
        }
        targets = Set.copyOf(newTargets);
        recheckAdmission = true;
    }

    /** The address the membership socket is bound to (the actual port when 0 was asked). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** How many times {@code counter} has counted so far. */
    public long count(Counter counter) {
        return counters.get(counter.ordinal());
    }

    /** The counter's one writer only: the engine thread, or the notifier's for {@link Counter#LISTENER_ERROR}. */
    private void count(Counter counter, long n) {
        final int i = counter.ordinal();
        counters.lazySet(i, counters.get(i) + n);
    }

    private void publish(MemberEvent event) {
        count(event.up() ? Counter.UP : Counter.down(event.reason()), 1);
        notifier.publish(event);
    }

    /** The figures for {@code org.swarmosgi.api.metrics} readers (shell, JMX, Prometheus). */
    public List<Metric> metrics() {
        final List<Metric> m = new ArrayList<>(24);
        m.add(Metric.gauge("swarm_membership_members", "Members up, this node included", members().size()));
        m.add(Metric.counter("swarm_membership_ups_total", "Members reported up", count(Counter.UP)));
        for (DownReason reason : DownReason.values()) {
            m.add(Metric.counter("swarm_membership_downs_total", "Members reported down, by reason",
                    Map.of("reason", reason.name()), count(Counter.down(reason))));
        }
        m.add(Metric.counter("swarm_membership_heartbeats_sent_total", "Heartbeat datagrams sent", count(Counter.SENT)));
        m.add(Metric.counter("swarm_membership_send_failures_total",
                "Heartbeat datagrams the socket could not take", count(Counter.SEND_FAILED)));
        m.add(Metric.counter("swarm_membership_datagrams_received_total", "Datagrams received, before any check",
                count(Counter.RECEIVED)));
        m.add(Metric.counter("swarm_membership_heartbeats_accepted_total",
                "Heartbeats that passed every check (this node's own echo included)", count(Counter.ACCEPTED)));
        for (Counter c : Counter.values()) {
            if (c.name().startsWith("REFUSED_")) {
                m.add(Metric.counter("swarm_membership_refused_total",
                        "Datagrams refused, by reason (BAD_MAC, FOREIGN_CLUSTER, REPLAY: forged or foreign)",
                        Map.of("reason", c.name().substring("REFUSED_".length())), count(c)));
            }
        }
        m.add(Metric.counter("swarm_membership_duty_cycles_total", "Turns of the membership engine's loop",
                count(Counter.LOOPS)));
        m.add(Metric.counter("swarm_membership_errors_total",
                "Unexpected errors in the membership engine's loop (it carries on)", count(Counter.LOOP_ERROR)));
        m.add(Metric.counter("swarm_membership_listener_errors_total",
                "Membership listeners that threw on an up or down (each also logged)", count(Counter.LISTENER_ERROR)));
        return m;
    }

    @Override
    public Member self() {
        return self;
    }

    @Override
    public Collection<Member> members() {
        return notifier.members();
    }

    @Override
    public Optional<Instant> lastHeartbeat(NodeId member) {
        final Long ms = lastHeard.get(member);
        return ms == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ms));
    }

    @Override
    public Subscription subscribe(MembershipListener listener) {
        return notifier.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    /** Sends LEAVE, stops the thread, closes the socket, then lets listeners finish. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifier.close();
    }

    private static DatagramChannel open(Delivery delivery) throws IOException {
        if (delivery instanceof Delivery.Multicast m) {
            final DatagramChannel channel = DatagramChannel.open(m.group() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                // Bound to the group itself: this socket receives the group's datagrams and nothing else.
                channel.bind(new InetSocketAddress(m.group(), m.port()));
                channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, m.ttl());
                channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                if (m.interfaceAddress().isAnyLocalAddress()) {
                    int joined = 0;
                    for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
                        if (ni.isUp() && ni.supportsMulticast()) {
                            channel.join(m.group(), ni);
                            joined++;
                        }
                    }
                    if (joined == 0) {
                        throw new IOException("no up, multicast-capable interface to join " + m.group().getHostAddress());
                    }
                } else {
                    final NetworkInterface ni = NetworkInterface.getByInetAddress(m.interfaceAddress());
                    if (ni == null) {
                        throw new IOException("no interface has the address " + m.interfaceAddress().getHostAddress());
                    }
                    // lo lacks the MULTICAST flag, yet joining and sending on it works between processes.
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
                    channel.join(m.group(), ni);
                }
                return channel;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw new IOException("cannot open multicast " + m.group().getHostAddress() + ":" + m.port()
                        + " on " + m.interfaceAddress().getHostAddress() + ": " + e.getMessage(), e);
            }
        }
        final Delivery.Unicast u = (Delivery.Unicast) delivery;
        final DatagramChannel channel = DatagramChannel.open(u.bind().getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.bind(u.bind());
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot bind membership socket to " + u.bind() + ": " + e.getMessage(), e);
        }
    }

    private void run() {
        final long interval = config.timing().heartbeatInterval().toNanos();
        final long checkPeriod = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(interval / 2,
                TimeUnit.MILLISECONDS.toNanos(50)));
        long nextSend = System.nanoTime();
        long nextCheck = nextSend + checkPeriod;
        try {
            while (running) {
                try {
                    final long wait = Math.min(nextSend, nextCheck) - System.nanoTime();
                    if (wait > 0) {
                        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                        selector.selectedKeys().clear();
                    }
                    count(Counter.LOOPS, 1);
                    // Read the clock, then drain, then judge by that reading: heartbeats that queued
                    // while this thread was stopped or starved count, wherever the stall fell.
                    final long now = System.nanoTime();
                    receiveAll();
                    if (recheckAdmission) {
                        recheckAdmission = false;
                        table.recheck(filter, publish);
                    }
                    if (now - nextCheck >= 0) {
                        table.check(now, publish);
                        lastHeard.keySet().removeIf(id -> !table.knows(id));
                        expireLearned(now);
                        nextCheck = now + checkPeriod;
                    }
                    if (now - nextSend >= 0) {
                        send(false);
                        // After a stall, carry on from now rather than sending a burst to catch up.
                        nextSend = Math.max(nextSend + interval, now + interval / 2);
                    }
                } catch (IOException | RuntimeException | Error e) {
                    // Counted and logged at most once per interval: the loop must outlive any one datagram.
                    count(Counter.LOOP_ERROR, 1);
                    if (running && logLimiter.hit(e.getClass(), System.nanoTime()) > 0) {
                        LOG.log(System.Logger.Level.WARNING, "membership loop error, continuing ("
                                + count(Counter.LOOP_ERROR) + " so far)", e);
                    }
                }
            }
            send(true);
            send(true); // twice: a lost LEAVE costs a detection time, a repeated one is ignored
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not send LEAVE", e);
        } finally {
            try {
                selector.close();
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing membership socket", e);
            }
        }
    }

    private void receiveAll() throws IOException {
        // Bounded, so a flood cannot starve our own heartbeats; more than a socket buffer holds.
        for (int i = 0; i < MAX_DRAIN; i++) {
            receiveBuffer.clear();
            final SocketAddress from = channel.receive(receiveBuffer);
            if (from == null) {
                return;
            }
            count(Counter.RECEIVED, 1);
            receiveBuffer.flip();
            final InetSocketAddress source = (InetSocketAddress) from;
            try {
                final Heartbeat heartbeat = codec.decode(receiveBuffer);
                final long now = System.nanoTime();
                final Counter refused = table.onHeartbeat(heartbeat, source, now, filter, publish);
                if (refused != null) {
                    refuse(refused, source, heartbeat.id().toString());
                    continue;
                }
                count(Counter.ACCEPTED, 1);
                if (!heartbeat.leave() && !heartbeat.id().equals(config.self())) {
                    lastHeard.put(heartbeat.id(), System.currentTimeMillis());
                }
                if (delivery instanceof Delivery.Unicast u && !heartbeat.id().equals(config.self())) {
                    learn(heartbeat, source, u.gossip(), now);
                }
            } catch (RefusedException e) {
                refuse(e.reason(), source, e.getMessage());
            }
        }
    }

    private void refuse(Counter reason, InetSocketAddress source, String detail) {
        count(reason, 1);
        if (reason == Counter.REFUSED_REPLAY) {
            return; // routine: a LEAVE sent twice, a packet reordered; counted only
        }
        final LogKey key = new LogKey(source, reason);
        final long n = logLimiter.hit(key, System.nanoTime());
        if (n > 0) {
            final boolean overflow = logLimiter.isOverflow(key);
            LOG.log(System.Logger.Level.WARNING, "refused " + n + " heartbeat(s) from "
                    + (overflow ? "other sources (too many to tell apart)" : source + ": " + reason)
                    + " since the last line; latest: " + (overflow ? source + " " + reason + " " : "") + "("
                    + detail + "); at most one line per source and reason every "
                    + TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS) + " s");
        }
    }

    /** What refusal lines are rate-limited by. */
    private record LogKey(InetSocketAddress source, Counter reason) {
    }

    private void learn(Heartbeat heartbeat, InetSocketAddress source, boolean gossip, long now) {
        final InetSocketAddress address = heartbeat.membership() != null ? heartbeat.membership() : source;
        if (heartbeat.leave()) {
            learned.remove(address);
            return;
        }
        learned.put(address, now + LEARNED_TTL_NANOS);
        if (gossip) {
            for (InetSocketAddress peer : heartbeat.peers()) {
                if (!isSelf(peer)) {
                    learned.put(peer, now + LEARNED_TTL_NANOS);
                }
            }
        }
    }

    private void expireLearned(long now) {
        if (learned.isEmpty()) {
            return;
        }
        final Set<InetSocketAddress> remembered = new HashSet<>(table.knownAddresses());
        for (Iterator<Map.Entry<InetSocketAddress, Long>> it = learned.entrySet().iterator(); it.hasNext(); ) {
            final Map.Entry<InetSocketAddress, Long> entry = it.next();
            if (now - entry.getValue() > 0 && !remembered.contains(entry.getKey())) {
                it.remove();
            }
        }
    }

    private boolean isSelf(InetSocketAddress address) {
        return address.equals(localAddress) || address.equals(advertised);
    }

    private void send(boolean leave) throws IOException {
        final Collection<InetSocketAddress> to;
        List<InetSocketAddress> peers = List.of();
        if (delivery instanceof Delivery.Multicast m) {
            to = List.of(new InetSocketAddress(m.group(), localAddress.getPort())); // the port bound (0: picked)
        } else {
            final Set<InetSocketAddress> all = new LinkedHashSet<>(targets);
            all.addAll(learned.keySet());
            all.removeIf(this::isSelf);
            to = all;
            if (((Delivery.Unicast) delivery).gossip() && !leave) {
                peers = gossipPeers();
            }
        }
        sequence++;
        codec.encode(new Heartbeat(config.self(), sequence, leave, config.transportEndpoint(), advertised, peers),
                sendBuffer);
        for (InetSocketAddress target : to) {
            sendBuffer.rewind();
            try {
                if (channel.send(sendBuffer, target) > 0) {
                    count(Counter.SENT, 1);
                } else {
                    count(Counter.SEND_FAILED, 1);
                }
            } catch (IOException e) {
                // Unreachable or refused target: count it; the others still get their heartbeat.
                count(Counter.SEND_FAILED, 1);
            }
        }
    }

    /** Up to MAX_PEERS members' addresses, a different slice each time, so all spread in a few rounds. */
    private List<InetSocketAddress> gossipPeers() {
        final List<InetSocketAddress> up = table.upAddresses();
        if (up.isEmpty()) {
            return List.of();
        }
        final int n = Math.min(HeartbeatCodec.MAX_PEERS, up.size());
        final List<InetSocketAddress> peers = new ArrayList<>(n);
        gossipOffset = (gossipOffset + n) % up.size();
        for (int i = 0; i < n; i++) {
            peers.add(up.get((gossipOffset + i) % up.size()));
        }
        return peers;
    }
}

package org.swarmosgi.transport.aeron.internal;

import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.transport.MessageHandler;
import org.swarmosgi.api.transport.Topics;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.transport.TransportException.Reason;
import org.swarmosgi.transport.aeron.internal.codec.Kind;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * The transport: Aeron with Agrona, usable without OSGi. {@link #start} brings up (in this order) the
 * callback executor, the embedded media driver (unless an external one is configured), the Aeron
 * client and one duty-cycle thread, then binds the node's UDP endpoint; {@link #close} takes all of it
 * down again and removes the embedded driver's directory.
 *
 * <p>Threads: with {@link DriverThreading#INVOKER} (the default) the one duty-cycle thread runs the
 * media driver, the Aeron client conductor, the receive agent and the call timers, composed in one
 * Agrona {@link CompositeAgent}. Senders write into Aeron from their own threads; handlers run on the
 * executors given to {@link #handle}; request outcomes complete on the caller's thread when it waits
 * in {@code join}/{@code get}, else on the callback executor (see {@link CallFuture}).
 *
 * <p>Peers are members: one link per peer incarnation ({@link NodeId}), whose HELLO names that
 * incarnation. The duty cycle is guarded: every Throwable on it is counted; one that leaves the
 * transport unusable ends it and tells the {@code onFatal} given to {@link #start(TransportSettings,
 * Consumer)} (the {@link TransportSupervisor}), which withdraws, closes and replaces it.
 */
public final class AeronTransportEngine implements Transport, AutoCloseable {
    /** Every thread this transport starts has a name with this prefix. */
    public static final String THREAD_PREFIX = "swarm-transport-";
    static final int STREAM_ID = 0x5357; // "SW"

    private static final System.Logger LOG = System.getLogger(AeronTransportEngine.class.getName());

    private final TransportSettings settings;
    private final TransportStats stats;
    /** One link per peer incarnation: a successor on the same endpoint gets a link (and a HELLO) of its own. */
    private final ConcurrentHashMap<NodeId, PeerLink> links = new ConcurrentHashMap<>();
    /**
     * Peer incarnations released lately (membership saw them go), newest last, at most {@link #RELEASED_MEMORY}.
     * A stream opened to one again waits {@link #REOPEN_CONNECT} at most for its receiver, not the connect
     * timeout: messages queued before the down would otherwise hold their senders for it, each, on a dead peer.
     */
    private final Map<NodeId, Boolean> released = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<NodeId, Boolean> eldest) {
            return size() > RELEASED_MEMORY;
        }
    });
    static final int RELEASED_MEMORY = 4096;
    /** Long enough for a live peer on a LAN to answer Aeron's setup; a released peer is most likely dead. */
    static final Duration REOPEN_CONNECT = Duration.ofMillis(250);
    private final RefusalLog refusals;
    /** Told once, on a thread of its own, when an error made this transport unusable; it is closed by then. */
    private volatile Consumer<Throwable> onFatal = e -> { };
    /** Test hook: thrown once on the duty cycle. */
    private volatile Throwable injectedFault;
    /** Resolves peer host names; never called on the duty cycle (test hook). */
    volatile Function<String, InetAddress> resolver = AeronTransportEngine::resolve;
    private final AtomicLong correlationIds = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private final ThreadPoolExecutor callbacks;
    private final PendingCalls calls;
    private final ReceiveAgent receiver;
    private final String name;
    private final DutyCycleIdle dutyCycleIdle;
    /** After a send: wakes the duty cycle when it runs the driver (INVOKER), else nothing to wake. */
    private final Runnable afterSend;
    private MediaDriver driver;
    private Aeron aeron;
    private AgentRunner runner;
    private io.aeron.Subscription subscription;
    private volatile Endpoint localEndpoint;
    private volatile boolean closed;
    private volatile Throwable fatal;
    private AgentInvoker clientInvoker;

    private AeronTransportEngine(TransportSettings settings, TransportStats stats) {
        this.settings = settings;
        this.stats = stats;
        this.name = THREAD_PREFIX + settings.nodeId().name();
        this.callbacks = new ThreadPoolExecutor(settings.callbackThreads(), settings.callbackThreads(), 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), threads(name + "-callback"));
        this.dutyCycleIdle = new DutyCycleIdle(settings.idle(), settings.maxParkNs());
        this.afterSend = settings.threading() == DriverThreading.INVOKER && !settings.externalDriver()
            ? dutyCycleIdle::wake : () -> { };
        this.refusals = new RefusalLog(LOG, name, TimeUnit.SECONDS.toNanos(10), 1024);
        this.calls = new PendingCalls(this::isConnected, this::rehello, stats, name + "-calls");
        this.receiver = new ReceiveAgent(name + "-receive", settings, stats, refusals, calls, this::answer, callbacks,
            peer -> calls.failPeer(peer.id(), "its stream to this node ended"), this::connectLater,
            dutyCycleIdle::expectReply, this::rehello);
    }

    /** Starts a transport; on failure releases whatever it had started and rethrows. */
    public static AeronTransportEngine start(TransportSettings settings) {
        final AeronTransportEngine[] self = new AeronTransportEngine[1];
        self[0] = start(settings, e -> self[0].close());
        return self[0];
    }

    /**
     * Starts a transport that, when an error makes it unusable (an {@link Error} on its duty cycle, or
     * the Aeron client or driver gone), stops its duty cycle, fails its calls and tells {@code onFatal}
     * on a thread of its own, which must close it. The supervisor ({@link TransportSupervisor}) withdraws
     * the service, closes it and starts another.
     */
    public static AeronTransportEngine start(TransportSettings settings, Consumer<Throwable> onFatal) {
        return start(settings, new TransportStats(), onFatal);
    }

    /** As {@link #start(TransportSettings, Consumer)}, counting into {@code stats} (the supervisor's, kept across restarts). */
    static AeronTransportEngine start(TransportSettings settings, TransportStats stats, Consumer<Throwable> onFatal) {
        final AeronTransportEngine engine = new AeronTransportEngine(settings, stats);
        engine.onFatal = Objects.requireNonNull(onFatal, "onFatal");
        try {
            engine.startAeron();
            return engine;
        } catch (RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    private void startAeron() {
        final String dir = settings.aeronDir().toAbsolutePath().toString();
        // Counted, and logged once per kind and interval: a driver error per datagram must not flood the log.
        final ErrorHandler errors = e -> {
            stats.countError();
            refusals.error(e, System.nanoTime());
        };
        final List<Agent> agents = new ArrayList<>(5);
        if (!settings.externalDriver()) {
            final MediaDriver.Context ctx = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false)
                .printConfigurationOnStart(false)
                .publicationTermBufferLength(settings.termLength())
                .ipcTermBufferLength(64 * 1024) // IPC is unused; keep its logs small
                .asyncExecutorEnabled(false)    // no extra thread; channels name IP literals only (resolved in openLink)
                .streamSessionLimit(settings.streamSessionLimit()) // bounds strangers' sessions before any MAC
                .errorHandler(errors)
                .threadingMode(toAeron(settings.threading()))
                .sharedThreadFactory(threads(name + "-driver"))
                .sharedNetworkThreadFactory(threads(name + "-driver-net"))
                .conductorThreadFactory(threads(name + "-driver-conductor"))
                .senderThreadFactory(threads(name + "-driver-sender"))
                .receiverThreadFactory(threads(name + "-driver-receiver"))
                .sharedIdleStrategy(settings.idle().create(settings.maxParkNs()))
                .sharedNetworkIdleStrategy(settings.idle().create(settings.maxParkNs()))
                .conductorIdleStrategy(settings.idle().create(settings.maxParkNs()))
                .senderIdleStrategy(settings.idle().create(settings.maxParkNs()))
                .receiverIdleStrategy(settings.idle().create(settings.maxParkNs()));
            driver = MediaDriver.launch(ctx);
            if (settings.threading() == DriverThreading.INVOKER) {
                agents.add(new InvokerAgent(driver.sharedAgentInvoker(), "driver"));
            }
        }
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(dir)
            .clientName(name)
            .useConductorAgentInvoker(true)
            .awaitingIdleStrategy(new SleepingMillisIdleStrategy(1))
            .errorHandler(errors));
        clientInvoker = aeron.conductorAgentInvoker();
        agents.add(new InvokerAgent(clientInvoker, "client"));
        agents.add(receiver);
        agents.add(calls);
        runner = new AgentRunner(dutyCycleIdle, this::onDutyCycleError, null,
            new GuardedAgent(new CompositeAgent(agents)));
        AgentRunner.startOnThread(runner, threads(name));

        // From here on the duty cycle drives the driver, so this thread may wait on it.
        subscription = aeron.addSubscription(new ChannelUriStringBuilder().media(CommonContext.UDP_MEDIA)
            .endpoint(hostPort(settings.bindHost(), settings.port())).build(), STREAM_ID,
            image -> { }, receiver::imageGone);
        final int boundPort = awaitBoundPort();
        localEndpoint = new Endpoint(settings.advertiseHost(), boundPort);
        receiver.listen(subscription, localEndpoint);
        LOG.log(System.Logger.Level.INFO, "{0}: listening on {1}:{2,number,#} as {3} (driver: {4})", name,
            settings.bindHost(), boundPort, localEndpoint, settings.externalDriver() ? "external " + dir : settings.threading());
    }

    private int awaitBoundPort() {
        final long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        while (true) {
            for (String address : subscription.localSocketAddresses()) {
                final int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                if (port > 0) {
                    return port;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": the UDP endpoint " + hostPort(settings.bindHost(), settings.port())
                    + " did not bind within " + settings.connectTimeout().toMillis() + " ms (port in use?)");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted while binding", e);
            }
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return localEndpoint;
    }

    /** This node as peers address it: its id and endpoint. */
    public Member self() {
        return new Member(settings.nodeId(), localEndpoint);
    }

    @Override
    public int maxInlinePayload() {
        return settings.chunkSize();
    }

    @Override
    public int maxPayload() {
        return settings.maxPayload();
    }

    public TransportStats stats() {
        return stats;
    }

    @Override
    public void send(Member peer, int topic, ByteBuffer payload) {
        check(peer, topic, payload);
        link(peer).send(Kind.CAST, topic, 0, payload);
        stats.countSent();
    }

    @Override
    public CompletionStage<ByteBuffer> request(Member peer, int topic, ByteBuffer payload, Duration timeout) {
        check(peer, topic, payload);
        final Duration t = timeout == null ? settings.callTimeout() : timeout;
        final CallFuture future = new CallFuture(callbacks);
        final PendingCall call = new PendingCall(correlationIds.incrementAndGet(), peer, future,
            System.nanoTime() + t.toNanos(), t.toMillis());
        calls.register(call);
        try {
            link(peer).send(Kind.REQUEST, topic, call.correlationId, payload);
            stats.countSent();
            calls.sent(call);
            dutyCycleIdle.expectReply();
        } catch (TransportException e) {
            calls.fail(call, e);
        }
        return future;
    }

    @Override
    public Subscription handle(int topic, Executor executor, MessageHandler handler) {
        checkTopic(topic);
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(handler, "handler");
        final HandlerEntry entry = new HandlerEntry(topic, executor, handler);
        if (!receiver.addHandler(entry)) {
            throw new IllegalStateException("topic " + topic + " has a handler already");
        }
        return () -> receiver.removeHandler(entry);
    }

    /**
     * Opens the stream to a peer ahead of the first message, on the callback executor because opening
     * blocks briefly and resolves the peer's host (membership saw the peer come up, or it said HELLO;
     * neither thread may wait).
     */
    public void connectLater(Member peer) {
        if (closed || peer.id().equals(settings.nodeId()) || links.containsKey(peer.id())) {
            return; // advisory: an existing link to this incarnation stays (release() ends it)
        }
        try {
            callbacks.execute(() -> {
                try {
                    link(peer);
                } catch (TransportException e) {
                    LOG.log(System.Logger.Level.DEBUG, name + ": could not open a stream to " + peer + ": " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // Closing: nothing to connect.
        }
    }

    /** Closes the stream to a peer incarnation and fails its pending calls (membership saw it go down). */
    public void release(Member peer, String why) {
        released.put(peer.id(), Boolean.TRUE);
        final PeerLink link = links.remove(peer.id());
        if (link != null) {
            link.close();
        }
        calls.failPeer(peer.id(), why);
    }

    private void answer(Member caller, int topic, long correlationId, Kind kind, ByteBuffer payload) {
        link(caller).send(kind, topic, correlationId, payload);
        stats.countSent();
    }

    private void rehello(NodeId peer) {
        final PeerLink link = links.get(peer);
        if (link != null) {
            link.rehello();
        }
    }

    private boolean isConnected(NodeId peer) {
        final PeerLink link = links.get(peer);
        return link != null && link.isConnected();
    }

    private PeerLink link(Member peer) {
        final PeerLink link = links.get(peer.id());
        if (link != null && link.usable() && link.target().endpoint().equals(peer.endpoint())) {
            return link;
        }
        if (closed) {
            throw new TransportException(Reason.CLOSED, name + " is closed");
        }
        if (link != null && links.remove(peer.id(), link)) {
            link.close(); // its end, or the same incarnation at a new endpoint (its transport restarted)
        }
        if (receiver.onDutyCycle()) {
            // Opening a publication waits for the driver, which this very thread drives: it would never return.
            throw new IllegalStateException(name + ": a handler ran on the transport's own thread (an executor like "
                + "Runnable::run) and sent to " + peer + ", which has no open stream yet; give handlers a real executor");
        }
        try {
            // Resolved before computeIfAbsent, which holds a lock on the map's bin: a slow DNS answer for
            // one peer must not hold up opening links to others that share the bin.
            final InetAddress address = resolver.apply(peer.endpoint().host());
            return links.computeIfAbsent(peer.id(), id -> openLink(peer, address));
        } catch (RuntimeException e) {
            if (e instanceof TransportException) {
                throw e;
            }
            throw new TransportException(closed ? Reason.CLOSED : Reason.NOT_CONNECTED,
                "cannot open a stream to " + peer + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives Aeron the IP literal the caller resolved on its own thread: with the driver in INVOKER mode
     * its conductor runs on the duty cycle and would otherwise resolve (and block on DNS) there.
     */
    private PeerLink openLink(Member peer, InetAddress address) {
        final String channel = new ChannelUriStringBuilder().media(CommonContext.UDP_MEDIA)
            .endpoint(hostPort(address.getHostAddress(), peer.endpoint().port()))
            .termLength(settings.termLength())
            .build();
        final OutboundFrames frames = new OutboundFrames(settings.key(), settings.clusterName(), settings.nodeId(),
            localEndpoint, peer);
        final long connectNs = released.containsKey(peer.id())
            ? Math.min(settings.connectTimeout().toNanos(), REOPEN_CONNECT.toNanos()) : settings.connectTimeout().toNanos();
        return new PeerLink(peer, aeron.addExclusivePublication(channel, STREAM_ID), frames, settings, connectNs, random,
            afterSend);
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new TransportException(Reason.NOT_CONNECTED, "unknown host " + host, e);
        }
    }

    /** Errors the AgentRunner itself reports (the guard below handles those of the agents). */
    private void onDutyCycleError(Throwable e) {
        if (e instanceof AgentTerminationException && fatal != null) {
            return; // the guard's own way of stopping the runner, counted there
        }
        stats.countError();
        refusals.error(e, System.nanoTime());
    }

    /** Test hook: the next frame to {@code peer} skips a sequence number, as if a frame had been lost. */
    void skipSequence(NodeId peer) {
        links.get(peer).skipSequence();
    }

    /** Test hook: the duty cycle throws {@code fault} once, as if one of its agents had. */
    void injectFault(Throwable fault) {
        injectedFault = fault;
        dutyCycleIdle.wake();
    }

    /** Bytes the receive side holds for inbound streams (assembly and reassembly), as of its last housekeeping. */
    public long heldBytes() {
        return receiver.heldBytes();
    }

    /** Inbound Aeron sessions the receive side holds state for, as of its last housekeeping. */
    public int heldSessions() {
        return receiver.heldSessions();
    }

    /** Aeron images (inbound sessions the driver accepted) on this node's subscription now. */
    public int images() {
        final io.aeron.Subscription s = subscription;
        return s == null || s.isClosed() ? 0 : s.imageCount();
    }

    /** True once an error made this transport unusable (it closes itself). */
    public boolean failed() {
        return fatal != null;
    }

    /**
     * The duty cycle's guard: every Throwable is counted and logged (rate-limited); one that leaves the
     * transport unusable (an Error, an agent asking to terminate, the Aeron client or driver closed)
     * stops the duty cycle and hands the transport to {@link #fail}. Nothing dies silently.
     */
    private final class GuardedAgent implements Agent {
        private final Agent agent;

        GuardedAgent(Agent agent) {
            this.agent = agent;
        }

        @Override
        public void onStart() {
            agent.onStart();
        }

        @Override
        public int doWork() {
            if (fatal != null) {
                throw new AgentTerminationException("transport failed");
            }
            stats.countDutyCycle();
            try {
                final Throwable fault = injectedFault;
                if (fault != null) {
                    injectedFault = null;
                    throwUnchecked(fault);
                }
                final int work = agent.doWork();
                if (clientInvoker.isClosed()) {
                    throw new IllegalStateException("the Aeron client closed (driver timeout or conductor failure)");
                }
                return work;
            } catch (Throwable e) {
                stats.countError();
                refusals.error(e, System.nanoTime());
                if (isFatal(e)) {
                    fail(e);
                    throw new AgentTerminationException(e);
                }
                return 1;
            }
        }

        @Override
        public void onClose() {
            agent.onClose();
        }

        @Override
        public String roleName() {
            return agent.roleName();
        }
    }

    private boolean isFatal(Throwable e) {
        return e instanceof Error || e instanceof AgentTerminationException || clientInvoker.isClosed()
            || (driver != null && driver.sharedAgentInvoker() != null && driver.sharedAgentInvoker().isClosed())
            || e instanceof io.aeron.exceptions.DriverTimeoutException;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * Once: marks the transport failed, fails its calls, and tells onFatal on a thread of its own (the
     * duty cycle must stop first); onFatal closes it (by default, nothing else).
     */
    private void fail(Throwable cause) {
        if (fatal != null) {
            return;
        }
        fatal = cause;
        stats.countFatal();
        LOG.log(System.Logger.Level.ERROR, name + ": the duty cycle failed; closing the transport", cause);
        calls.failAll(new TransportException(Reason.CLOSED, name + " failed: " + cause));
        final Thread closer = new Thread(() -> onFatal.accept(cause), name + "-failed");
        closer.setDaemon(true);
        closer.start();
    }

    private void check(Member peer, int topic, ByteBuffer payload) {
        if (fatal != null) {
            // Its duty cycle is gone: a send would wait on a driver nobody runs. The supervisor replaces it.
            throw new TransportException(Reason.CLOSED, name + " failed: " + fatal);
        }
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(payload, "payload");
        checkTopic(topic);
        if (payload.remaining() > settings.maxPayload()) {
            throw new IllegalArgumentException("payload of " + payload.remaining() + " bytes is above the maximum of "
                + settings.maxPayload());
        }
    }

    private static void checkTopic(int topic) {
        if (topic < Topics.MEMBERSHIP_BASE) {
            throw new IllegalArgumentException("topics below " + Topics.MEMBERSHIP_BASE + " belong to the transport, was "
                + topic);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        calls.failAll(new TransportException(Reason.CLOSED, name + " is closed"));
        for (PeerLink link : links.values()) {
            CloseHelper.quietClose(link);
        }
        links.clear();
        // Callback tasks may still open streams, which needs the duty cycle: let them finish first.
        callbacks.shutdown();
        try {
            if (!callbacks.awaitTermination(5, TimeUnit.SECONDS)) {
                callbacks.shutdownNow();
            }
        } catch (InterruptedException e) {
            callbacks.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // The runner joins its thread; after it, this thread is the only user of client and driver.
        CloseHelper.quietCloseAll(runner, aeron, driver);
        if (!settings.externalDriver()) {
            final File dir = settings.aeronDir().toFile();
            if (dir.exists()) {
                IoUtil.delete(dir, true);
            }
        }
    }

    private static ThreadingMode toAeron(DriverThreading threading) {
        return switch (threading) {
            case INVOKER -> ThreadingMode.INVOKER;
            case SHARED -> ThreadingMode.SHARED;
            case DEDICATED -> ThreadingMode.DEDICATED;
        };
    }

    private static String hostPort(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /**
     * Names every thread after this transport, so none goes unnoticed. AgentRunner renames its thread to
     * the agent's role before starting it, so the name is set again when the thread runs.
     */
    private static ThreadFactory threads(String prefix) {
        final AtomicInteger count = new AtomicInteger();
        return r -> {
            final int n = count.getAndIncrement();
            final String threadName = n == 0 ? prefix : prefix + "-" + n;
            final Thread t = new Thread(() -> {
                Thread.currentThread().setName(threadName);
                r.run();
            }, threadName);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs an Aeron AgentInvoker (driver or client conductor) as a part of the composite duty cycle. */
    private static final class InvokerAgent implements Agent {
        private final AgentInvoker invoker;
        private final String role;

        InvokerAgent(AgentInvoker invoker, String role) {
            this.invoker = invoker;
            this.role = role;
        }

        @Override
        public void onStart() {
            invoker.start();
        }

        @Override
        public int doWork() {
            return invoker.invoke();
        }

        @Override
        public String roleName() {
            return role;
        }
        // onClose: the invoker is closed by Aeron.close() / MediaDriver.close(), after the runner stopped.
    }
}

package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.crypto.Mac;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.transport.aeron.internal.TransportStats.Drop;
import org.swarmosgi.transport.aeron.internal.codec.ChunkDecoder;
import org.swarmosgi.transport.aeron.internal.codec.HelloDecoder;
import org.swarmosgi.transport.aeron.internal.codec.Kind;
import org.swarmosgi.transport.aeron.internal.codec.MessageDecoder;
import org.swarmosgi.transport.aeron.internal.codec.MessageHeaderDecoder;

import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;

/**
 * The receive side: polls this node's one subscription, authenticates every frame, puts chunks back
 * together ({@link Reassembly}) and hands messages to their handlers' executors, replies to the pending
 * calls. Runs on the duty-cycle thread and never runs user code. A frame that fails any check is
 * dropped, counted and logged at most once per (source, reason) and interval ({@link RefusalLog});
 * nothing a peer sends can stop this loop or make it hold memory without bound.
 */
final class ReceiveAgent implements Agent, FragmentHandler {
    private static final System.Logger LOG = System.getLogger(ReceiveAgent.class.getName());
    private static final int FRAGMENT_LIMIT = 256;
    /** The longest HELLO: fixed part and five strings of at most 255 UTF-8 bytes each, with room to spare. */
    static final int MAX_HELLO = 1400;
    private static final int MIN_HELLO = MessageHeaderDecoder.ENCODED_LENGTH + HelloDecoder.BLOCK_LENGTH + 5 * 2;
    private static final long HOUSEKEEPING_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int MIN_FRAME = MessageHeaderDecoder.ENCODED_LENGTH + SipHash128.TAG_LENGTH;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final String name;
    private final String clusterName;
    private final int maxPayload;
    private final long helloWindowMs;
    private final Mac hmac;
    private final TransportStats stats;
    private final PendingCalls calls;
    private final Replier replier;
    private final Executor callbacks;
    private final Consumer<Member> streamEnded;
    private final Consumer<Member> peerAuthenticated;
    private final NodeId self;
    private final RefusalLog refusals;
    private final BoundedAssembler assembler;
    private final Reassembly reassembly;
    private final byte[] helloScratch = new byte[MAX_HELLO + SipHash128.TAG_LENGTH];
    /** Images that went away, from the client conductor (whichever thread runs it); drained here. */
    private final Queue<Image> goneImages = new ConcurrentLinkedQueue<>();
    private volatile Thread thread;
    private volatile long heldBytes;
    private volatile int heldSessions;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final HelloDecoder hello = new HelloDecoder();
    private final MessageDecoder message = new MessageDecoder();
    private final ChunkDecoder chunk = new ChunkDecoder();
    private final Long2ObjectHashMap<InboundSession> sessions = new Long2ObjectHashMap<>();
    private final Map<Nonce, Long> nonces = new HashMap<>();
    private final List<HandlerEntry> pendingBatches = new ArrayList<>();
    private volatile Int2ObjectHashMap<HandlerEntry> handlers = new Int2ObjectHashMap<>();
    private volatile Subscription subscription;
    private volatile Endpoint localEndpoint;
    private long nextHousekeepingNs;
    /** Told when a request goes to a handler: its reply will want sending soon. */
    private final Runnable requestHandedOver;
    /** A peer asked us to say HELLO again on our stream to it (it broke that stream). */
    private final Consumer<NodeId> rehelloAsked;

    private record Nonce(long hi, long lo) {
    }

    ReceiveAgent(String name, TransportSettings settings, TransportStats stats, RefusalLog refusals, PendingCalls calls,
                 Replier replier, Executor callbacks, Consumer<Member> streamEnded, Consumer<Member> peerAuthenticated,
                 Runnable requestHandedOver, Consumer<NodeId> rehelloAsked) {
        this.rehelloAsked = rehelloAsked;
        this.self = settings.nodeId();
        this.refusals = refusals;
        this.assembler = new BoundedAssembler(this, settings.maxFrame(), h -> reject(Drop.OVERSIZE, (Image) h.context()));
        this.reassembly = new Reassembly(settings.maxPayload(), settings.reassemblyMaxBytes(),
            settings.transferTimeout().toNanos(), stats);
        this.peerAuthenticated = peerAuthenticated;
        this.requestHandedOver = requestHandedOver;
        this.name = name;
        this.clusterName = settings.clusterName();
        this.maxPayload = settings.maxPayload();
        this.helloWindowMs = settings.helloWindow().toMillis();
        this.hmac = Keys.hmac(settings.key());
        this.stats = stats;
        this.calls = calls;
        this.replier = replier;
        this.callbacks = callbacks;
        this.streamEnded = streamEnded;
    }

    @Override
    public String roleName() {
        return name;
    }

    @Override
    public void onStart() {
        thread = Thread.currentThread();
    }

    /** True on the duty-cycle thread, which must never wait for the driver it drives. */
    boolean onDutyCycle() {
        return Thread.currentThread() == thread;
    }

    /** Starts polling once the engine has bound its endpoint. */
    void listen(Subscription subscription, Endpoint localEndpoint) {
        this.localEndpoint = localEndpoint;
        this.subscription = subscription;
    }

    /** Swaps in a new handler table (copy on write: registrations are rare, lookups are per message). */
    synchronized boolean addHandler(HandlerEntry entry) {
        if (handlers.containsKey(entry.topic)) {
            return false;
        }
        final Int2ObjectHashMap<HandlerEntry> copy = new Int2ObjectHashMap<>(handlers);
        copy.put(entry.topic, entry);
        handlers = copy;
        return true;
    }

    synchronized void removeHandler(HandlerEntry entry) {
        if (handlers.get(entry.topic) == entry) {
            final Int2ObjectHashMap<HandlerEntry> copy = new Int2ObjectHashMap<>(handlers);
            copy.remove(entry.topic);
            handlers = copy;
        }
    }

    /** From the subscription's unavailable-image handler, on any thread. */
    void imageGone(Image image) {
        goneImages.offer(image);
    }

    /** Bytes held for inbound streams (Aeron message assembly and chunk reassembly), as of the last housekeeping. */
    long heldBytes() {
        return heldBytes;
    }

    /** Aeron sessions with assembly state or an authenticated session, as of the last housekeeping. */
    int heldSessions() {
        return heldSessions;
    }

    @Override
    public int doWork() {
        final Subscription sub = subscription;
        int work = 0;
        Image gone;
        while ((gone = goneImages.poll()) != null) {
            work++;
            forget(gone);
        }
        if (sub != null) {
            work += sub.poll(assembler, FRAGMENT_LIMIT);
            if (!pendingBatches.isEmpty()) {
                flushBatches();
            }
        }
        final long now = System.nanoTime();
        if (now >= nextHousekeepingNs) {
            nextHousekeepingNs = now + HOUSEKEEPING_NS;
            work += housekeeping();
        }
        return work;
    }

    @Override
    public void onFragment(DirectBuffer buffer, int offset, int length, Header aeronHeader) {
        stats.countFrame();
        final Image image = (Image) aeronHeader.context();
        if (length < MIN_FRAME) {
            reject(Drop.MALFORMED, image);
            return;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID || header.version() != MessageHeaderDecoder.SCHEMA_VERSION) {
            reject(Drop.MALFORMED, image);
            return;
        }
        final int signedLength = length - SipHash128.TAG_LENGTH;
        try {
            switch (header.templateId()) {
                case HelloDecoder.TEMPLATE_ID -> onHello(buffer, offset, signedLength, image);
                case MessageDecoder.TEMPLATE_ID -> onMessage(buffer, offset, signedLength, image);
                case ChunkDecoder.TEMPLATE_ID -> onChunk(buffer, offset, signedLength, image);
                default -> reject(Drop.MALFORMED, image);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // Fields that point outside the frame, or an identity the API refuses: never fatal.
            reject(Drop.MALFORMED, image);
        }
    }

    /**
     * Cheap checks first (length, layout, cluster, target, timestamp), then the HMAC over a copy into a
     * fixed scratch array (the length is bounded by then), then the nonce: a stranger costs this node
     * neither an HMAC nor memory sized by the frame.
     */
    private void onHello(DirectBuffer buffer, int offset, int signedLength, Image image) {
        if (signedLength > MAX_HELLO || signedLength < MIN_HELLO || header.blockLength() != HelloDecoder.BLOCK_LENGTH) {
            reject(Drop.MALFORMED, image);
            return;
        }
        hello.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final int end = offset + signedLength;
        final String nodeName = varStringAfter(hello::nodeName, hello::nodeNameLength, end);
        final String host = nodeName == null ? null : varStringAfter(hello::host, hello::hostLength, end);
        final String targetHost = host == null ? null : varStringAfter(hello::targetHost, hello::targetHostLength, end);
        final String targetName = targetHost == null ? null
            : varStringAfter(hello::targetName, hello::targetNameLength, end);
        final String cluster = targetName == null ? null
            : varStringAfter(hello::clusterName, hello::clusterNameLength, end);
        if (cluster == null || hello.limit() != end) {
            reject(Drop.MALFORMED, image);
            return;
        }
        if (!clusterName.equals(cluster)) {
            reject(Drop.WRONG_CLUSTER, image);
            return;
        }
        final Endpoint local = localEndpoint;
        if (hello.targetIncarnation() != self.incarnation() || !self.name().equals(targetName)
            || hello.targetPort() != local.port() || !targetHost.equals(local.host())) {
            reject(Drop.WRONG_TARGET, image); // for another node, or for an earlier run of this one
            return;
        }
        final long timestampMs = hello.timestampMs();
        if (Math.abs(System.currentTimeMillis() - timestampMs) > helloWindowMs) {
            reject(Drop.STALE_HELLO, image);
            return;
        }
        buffer.getBytes(offset, helloScratch, 0, signedLength + SipHash128.TAG_LENGTH);
        if (!Keys.sameTag(hmac, helloScratch, signedLength)) {
            reject(Drop.BAD_MAC, image);
            return;
        }
        final Nonce nonce = new Nonce(hello.nonceHi(), hello.nonceLo());
        if (nonces.putIfAbsent(nonce, timestampMs) != null) {
            reject(Drop.REPLAY, image);
            return;
        }
        final NodeId sender = new NodeId(nodeName, hello.incarnation());
        final Member member = new Member(sender, new Endpoint(host, hello.port()));
        final long stream = image.correlationId();
        reassembly.release(stream); // a transfer of the stream's previous session cannot continue
        final SipHash128 mac = Keys.sessionMac(hmac, clusterName, sender, nonce.hi(), nonce.lo());
        sessions.put(stream, new InboundSession(image, member, mac, 0));
        stats.countSession();
        peerAuthenticated.accept(member); // open the way back before the first reply needs it
    }

    /** Reads the next var-length string of the HELLO: null when it runs past the frame. */
    private String varStringAfter(java.util.function.Supplier<String> read, java.util.function.IntSupplier length, int end) {
        if (hello.limit() + 2 > end || hello.limit() + 2 + length.getAsInt() > end) {
            return null;
        }
        return read.get();
    }

    /**
     * The session of the frame's stream if the frame is authentic and the next in sequence; null
     * (counted) if not. A frame out of sequence (a gap: frames lost or withheld; or a replay) breaks the
     * stream: its session is dropped, and frames are refused until the sender says HELLO again.
     */
    private InboundSession authenticate(DirectBuffer buffer, int offset, int signedLength, Image image, long seq) {
        final long stream = image.correlationId();
        final InboundSession session = sessions.get(stream);
        if (session == null) {
            reject(Drop.NO_SESSION, image);
            return null;
        }
        if (!session.mac.verify(buffer, offset, signedLength)) {
            reject(Drop.BAD_MAC, image);
            return null;
        }
        if (seq != session.lastSeq + 1) {
            reject(seq <= session.lastSeq ? Drop.REPLAY : Drop.GAP, image);
            sessions.remove(stream);
            reassembly.release(stream);
            // Tell the sender, over our own authenticated stream to it, so it heals at its next send
            // even when it only casts (no call would time out and make it say HELLO).
            answerLater(session.member, 0, 0, Kind.REHELLO, EMPTY);
            return null;
        }
        session.lastSeq = seq;
        return session;
    }

    private void onMessage(DirectBuffer buffer, int offset, int signedLength, Image image) {
        if (header.blockLength() != MessageDecoder.BLOCK_LENGTH) {
            reject(Drop.MALFORMED, image);
            return;
        }
        message.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, MessageDecoder.BLOCK_LENGTH, header.version());
        if (message.limit() + MessageDecoder.payloadHeaderLength() > offset + signedLength) {
            reject(Drop.MALFORMED, image);
            return;
        }
        final InboundSession session = authenticate(buffer, offset, signedLength, image, message.seq());
        if (session == null) {
            return;
        }
        final int length = message.payloadLength();
        final int start = message.limit() + MessageDecoder.payloadHeaderLength();
        if (length < 0 || start + length != offset + signedLength) {
            reject(Drop.MALFORMED, image);
            return;
        }
        final ByteBuffer payload;
        if (length == 0) {
            payload = EMPTY;
        } else {
            final byte[] copy = new byte[length];
            buffer.getBytes(start, copy);
            payload = ByteBuffer.wrap(copy).asReadOnlyBuffer();
        }
        dispatch(session, message.kindRaw(), message.topic(), message.correlationId(), payload, image);
    }

    private void onChunk(DirectBuffer buffer, int offset, int signedLength, Image image) {
        if (header.blockLength() != ChunkDecoder.BLOCK_LENGTH) {
            reject(Drop.MALFORMED, image);
            return;
        }
        chunk.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, ChunkDecoder.BLOCK_LENGTH, header.version());
        if (chunk.limit() + ChunkDecoder.bytesHeaderLength() > offset + signedLength) {
            reject(Drop.MALFORMED, image);
            return;
        }
        final InboundSession session = authenticate(buffer, offset, signedLength, image, chunk.seq());
        if (session == null) {
            return;
        }
        final int length = chunk.bytesLength();
        final int start = chunk.limit() + ChunkDecoder.bytesHeaderLength();
        if (length <= 0 || start + length != offset + signedLength) {
            reject(Drop.MALFORMED, image);
            return;
        }
        final Reassembly.Transfer done = reassembly.onChunk(image.correlationId(), chunk.transferId(), chunk.kindRaw(),
            chunk.topic(), chunk.correlationId(), chunk.totalLength(), chunk.chunkOffset(), chunk.checksum(), buffer, start,
            length, System.nanoTime());
        if (done != null) {
            dispatch(session, done.kind, done.topic, done.correlationId, done.payload(), image);
        }
    }

    private void dispatch(InboundSession session, short kindRaw, int topic, long correlationId, ByteBuffer payload, Image image) {
        dispatch(session, (int) kindRaw, topic, correlationId, payload, image);
    }

    private void dispatch(InboundSession session, int kindRaw, int topic, long correlationId, ByteBuffer payload, Image image) {
        final Kind kind = kindOf(kindRaw);
        if (kind == null) {
            reject(Drop.MALFORMED, image);
            return;
        }
        switch (kind) {
            case CAST, REQUEST -> deliver(session, kind == Kind.REQUEST, topic, correlationId, payload);
            case REHELLO -> rehelloAsked.accept(session.member.id());
            default -> calls.answer(correlationId, session.member.id(), kind, payload);
        }
    }

    private static Kind kindOf(int raw) {
        return switch (raw) {
            case 0 -> Kind.CAST;
            case 1 -> Kind.REQUEST;
            case 2 -> Kind.REPLY;
            case 3 -> Kind.FAIL;
            case 4 -> Kind.NO_HANDLER;
            case 5 -> Kind.REHELLO;
            default -> null;
        };
    }

    private void deliver(InboundSession session, boolean request, int topic, long correlationId, ByteBuffer payload) {
        final HandlerEntry entry = handlers.get(topic);
        if (entry == null) {
            stats.drop(Drop.NO_HANDLER);
            if (request) {
                answerLater(session.member, topic, correlationId, Kind.NO_HANDLER, EMPTY);
            }
            return;
        }
        stats.countDelivered();
        if (entry.batch.isEmpty()) {
            pendingBatches.add(entry);
        }
        entry.batch.add(new Inbound(replier, session.member, topic, payload, request, correlationId));
        if (request) {
            requestHandedOver.run();
        }
    }

    private void flushBatches() {
        for (int i = 0, n = pendingBatches.size(); i < n; i++) {
            final HandlerEntry entry = pendingBatches.get(i);
            final List<Inbound> batch = entry.batch;
            entry.batch = new ArrayList<>();
            try {
                entry.executor.execute(() -> entry.run(batch));
            } catch (RejectedExecutionException e) {
                for (Inbound m : batch) {
                    stats.drop(Drop.EXECUTOR_REJECTED);
                    if (m.isRequest()) {
                        failLater(m);
                    }
                }
            }
        }
        pendingBatches.clear();
    }

    private void failLater(Inbound request) {
        try {
            callbacks.execute(() -> {
                try {
                    request.fail("the handler's executor refused the message");
                } catch (TransportException e) {
                    LOG.log(System.Logger.Level.DEBUG, "could not answer " + request.sender() + ": " + e.getMessage());
                }
            });
        } catch (RejectedExecutionException closing) {
            // Closing: the caller's own timeout or close answers it.
        }
    }

    /** Answers from the callback executor: opening a publication blocks, which this thread must never do. */
    private void answerLater(Member caller, int topic, long correlationId, Kind kind, ByteBuffer payload) {
        try {
            callbacks.execute(() -> {
                try {
                    replier.answer(caller, topic, correlationId, kind, payload);
                } catch (TransportException e) {
                    LOG.log(System.Logger.Level.DEBUG, "could not answer " + caller + ": " + e.getMessage());
                }
            });
        } catch (RejectedExecutionException closing) {
            // Closing: the caller's own timeout or close answers it.
        }
    }

    /** The image's stream ended: its assembly buffer, session and transfer go with it. */
    private void forget(Image image) {
        assembler.free(image);
        final InboundSession session = sessions.remove(image.correlationId());
        reassembly.release(image.correlationId());
        if (session != null) {
            ended(session);
        }
    }

    /**
     * Calls waiting on {@code gone}'s member fail only when none of its streams to this node is left: a peer
     * that reopened its stream (after a partition, or a receiver it lost) answers on the new one, and the old
     * image, ending a while later, must not fail the calls the new one carries.
     */
    private void ended(InboundSession gone) {
        for (final InboundSession other : sessions.values()) {
            if (other.member.id().equals(gone.member.id()) && !other.image.isClosed()) {
                return;
            }
        }
        streamEnded.accept(gone.member);
    }

    private int housekeeping() {
        int work = 0;
        if (!sessions.isEmpty()) {
            java.util.List<InboundSession> closed = null; // ended() iterates the map too: after this loop
            for (final Long2ObjectHashMap<InboundSession>.ValueIterator it = sessions.values().iterator(); it.hasNext(); ) {
                final InboundSession session = it.next();
                if (session.image.isClosed()) {
                    it.remove();
                    work++;
                    reassembly.release(session.image.correlationId());
                    if (closed == null) {
                        closed = new java.util.ArrayList<>(2);
                    }
                    closed.add(session);
                }
            }
            if (closed != null) {
                closed.forEach(this::ended);
            }
        }
        if (!nonces.isEmpty()) {
            final long oldest = System.currentTimeMillis() - 2 * helloWindowMs;
            nonces.values().removeIf(t -> t < oldest);
        }
        final long now = System.nanoTime();
        work += reassembly.expire(now);
        refusals.roll(now);
        heldBytes = assembler.heldBytes() + reassembly.heldBytes();
        heldSessions = Math.max(assembler.sessions(), sessions.size());
        return work;
    }

    private void reject(Drop reason, Image image) {
        stats.drop(reason);
        refusals.refused(image == null ? "unknown" : image.sourceIdentity(), reason, System.nanoTime());
    }
}

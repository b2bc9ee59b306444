package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

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

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;

/**
 * The receive side: polls this node's one subscription, authenticates every frame, puts chunks back
 * together and hands messages to their handlers' executors, replies to the pending calls. Runs on the
 * duty-cycle thread and never runs user code. A frame that fails any check is dropped, counted and
 * logged once per source; nothing a peer sends can stop this loop.
 */
final class ReceiveAgent implements Agent, FragmentHandler {
    private static final System.Logger LOG = System.getLogger(ReceiveAgent.class.getName());
    private static final int FRAGMENT_LIMIT = 256;
    private static final int MAX_LOGGED_SOURCES = 1024;
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
    private final Consumer<Endpoint> streamEnded;
    private final Consumer<Endpoint> peerAuthenticated;
    private volatile Thread thread;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final HelloDecoder hello = new HelloDecoder();
    private final MessageDecoder message = new MessageDecoder();
    private final ChunkDecoder chunk = new ChunkDecoder();
    private final Long2ObjectHashMap<InboundSession> sessions = new Long2ObjectHashMap<>();
    private final Map<Nonce, Long> nonces = new HashMap<>();
    private final Set<String> loggedSources = new HashSet<>();
    private final List<HandlerEntry> pendingBatches = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private volatile Int2ObjectHashMap<HandlerEntry> handlers = new Int2ObjectHashMap<>();
    private volatile Subscription subscription;
    private volatile Endpoint localEndpoint;
    private long nextHousekeepingNs;
    /** Told when a request goes to a handler: its reply will want sending soon. */
    private final Runnable requestHandedOver;

    private record Nonce(long hi, long lo) {
    }

    ReceiveAgent(String name, TransportSettings settings, TransportStats stats, PendingCalls calls, Replier replier,
                 Executor callbacks, Consumer<Endpoint> streamEnded, Consumer<Endpoint> peerAuthenticated,
                 Runnable requestHandedOver) {
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

    @Override
    public int doWork() {
        final Subscription sub = subscription;
        int work = 0;
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

    private void onHello(DirectBuffer buffer, int offset, int signedLength, Image image) {
        final byte[] bytes = new byte[signedLength];
        buffer.getBytes(offset, bytes);
        final byte[] tag = new byte[SipHash128.TAG_LENGTH];
        buffer.getBytes(offset + signedLength, tag);
        if (!Keys.sameTag(Keys.helloTag(hmac, bytes, signedLength), tag)) {
            reject(Drop.BAD_MAC, image);
            return;
        }
        if (header.blockLength() != HelloDecoder.BLOCK_LENGTH) {
            reject(Drop.MALFORMED, image);
            return;
        }
        hello.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final long incarnation = hello.incarnation();
        final long timestampMs = hello.timestampMs();
        final Nonce nonce = new Nonce(hello.nonceHi(), hello.nonceLo());
        final int port = hello.port();
        final int targetPort = hello.targetPort();
        final String nodeName = hello.nodeName();
        final String host = hello.host();
        final String targetHost = hello.targetHost();
        final String cluster = hello.clusterName();
        if (hello.limit() != offset + signedLength) {
            reject(Drop.MALFORMED, image);
            return;
        }
        if (!clusterName.equals(cluster)) {
            reject(Drop.WRONG_CLUSTER, image);
            return;
        }
        final Endpoint local = localEndpoint;
        if (targetPort != local.port() || !targetHost.equals(local.host())) {
            reject(Drop.WRONG_TARGET, image);
            return;
        }
        if (Math.abs(System.currentTimeMillis() - timestampMs) > helloWindowMs) {
            reject(Drop.STALE_HELLO, image);
            return;
        }
        if (nonces.putIfAbsent(nonce, timestampMs) != null) {
            reject(Drop.REPLAY, image);
            return;
        }
        final NodeId sender = new NodeId(nodeName, incarnation);
        final Member member = new Member(sender, new Endpoint(host, port));
        final InboundSession previous = sessions.get(image.correlationId());
        final SipHash128 mac = Keys.sessionMac(hmac, clusterName, sender, nonce.hi(), nonce.lo());
        sessions.put(image.correlationId(), new InboundSession(image, member, mac, previous == null ? 0 : previous.lastSeq));
        stats.countSession();
        peerAuthenticated.accept(member.endpoint()); // open the way back before the first reply needs it
    }

    /** The session of the frame's stream if the frame is authentic and new; null (counted) if not. */
    private InboundSession authenticate(DirectBuffer buffer, int offset, int signedLength, Image image, long seq) {
        final InboundSession session = sessions.get(image.correlationId());
        if (session == null) {
            reject(Drop.NO_SESSION, image);
            return null;
        }
        if (!session.mac.verify(buffer, offset, signedLength)) {
            reject(Drop.BAD_MAC, image);
            return null;
        }
        if (seq <= session.lastSeq) {
            reject(Drop.REPLAY, image);
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
        final int total = chunk.totalLength();
        final int at = chunk.chunkOffset();
        if (length <= 0 || start + length != offset + signedLength) {
            reject(Drop.MALFORMED, image);
            return;
        }
        if (at == 0) {
            if (session.transfer != null) {
                reject(Drop.BAD_TRANSFER, image); // the previous transfer was abandoned by its sender
            }
            if (total <= 0 || total > maxPayload) {
                session.transfer = null;
                reject(Drop.BAD_TRANSFER, image);
                return;
            }
            session.transfer = new InboundSession.Reassembly(chunk.transferId(), chunk.kindRaw(), chunk.topic(),
                chunk.correlationId(), chunk.checksum(), total);
        }
        final InboundSession.Reassembly transfer = session.transfer;
        if (transfer == null || transfer.transferId != chunk.transferId() || at != transfer.filled
            || total != transfer.bytes.length || at + length > total) {
            session.transfer = null;
            reject(Drop.BAD_TRANSFER, image);
            return;
        }
        buffer.getBytes(start, transfer.bytes, at, length);
        transfer.filled += length;
        if (transfer.filled == total) {
            session.transfer = null;
            crc.reset();
            crc.update(transfer.bytes, 0, total);
            if ((int) crc.getValue() != transfer.checksum) {
                reject(Drop.BAD_TRANSFER, image);
                return;
            }
            dispatch(session, transfer.kind, transfer.topic, transfer.correlationId,
                ByteBuffer.wrap(transfer.bytes).asReadOnlyBuffer(), image);
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
            default -> calls.answer(correlationId, session.member.endpoint(), kind, payload);
        }
    }

    private static Kind kindOf(int raw) {
        return switch (raw) {
            case 0 -> Kind.CAST;
            case 1 -> Kind.REQUEST;
            case 2 -> Kind.REPLY;
            case 3 -> Kind.FAIL;
            case 4 -> Kind.NO_HANDLER;
            default -> null;
        };
    }

    private void deliver(InboundSession session, boolean request, int topic, long correlationId, ByteBuffer payload) {
        final HandlerEntry entry = handlers.get(topic);
        if (entry == null) {
            stats.drop(Drop.NO_HANDLER);
            if (request) {
                final Endpoint caller = session.member.endpoint();
                answerLater(caller, topic, correlationId, Kind.NO_HANDLER, EMPTY);
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
    private void answerLater(Endpoint caller, int topic, long correlationId, Kind kind, ByteBuffer payload) {
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

    private int housekeeping() {
        int work = 0;
        if (!sessions.isEmpty()) {
            for (final Long2ObjectHashMap<InboundSession>.ValueIterator it = sessions.values().iterator(); it.hasNext(); ) {
                final InboundSession session = it.next();
                if (session.image.isClosed()) {
                    it.remove();
                    work++;
                    streamEnded.accept(session.member.endpoint());
                }
            }
        }
        if (!nonces.isEmpty()) {
            final long oldest = System.currentTimeMillis() - 2 * helloWindowMs;
            nonces.values().removeIf(t -> t < oldest);
        }
        return work;
    }

    private void reject(Drop reason, Image image) {
        stats.drop(reason);
        final String source = image == null ? "unknown" : image.sourceIdentity();
        if (loggedSources.size() < MAX_LOGGED_SOURCES && loggedSources.add(source)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: dropped a frame from {1}: {2} (further drops from this source "
                + "are only counted)", name, source, reason);
        }
    }
}

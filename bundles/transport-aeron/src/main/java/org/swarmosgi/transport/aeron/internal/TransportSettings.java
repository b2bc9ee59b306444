package org.swarmosgi.transport.aeron.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.swarmosgi.api.NodeId;

/**
 * Everything an {@link AeronTransportEngine} needs, checked once. The DS component builds it from the
 * {@code org.swarmosgi.transport.aeron} configuration and the {@code LocalNode} service; tests and
 * benchmarks build it directly. Error messages name the configuration key at fault.
 *
 * @param nodeId            this node's name and incarnation
 * @param clusterName       the cluster; HELLOs naming another are refused
 * @param key               the 32-byte transport key ({@code LocalNode.deriveKey("transport")})
 * @param bindHost          the address the UDP endpoint binds to
 * @param port              the UDP port; 0 picks a free one
 * @param advertiseHost     the address peers reach this node at
 * @param aeronDir          the embedded driver's directory (created, and removed on close), or the
 *                          directory of an external driver when {@code externalDriver}
 * @param externalDriver    true to use a running media driver at {@code aeronDir}
 * @param threading         the embedded driver's threading
 * @param idle              the idle strategy of the duty cycles
 * @param maxParkNs         the longest park of an idle duty cycle
 * @param termLength        the Aeron term length of our publications
 * @param chunkSize         the largest payload sent in one frame; larger ones are chunked
 * @param maxPayload        the largest payload accepted
 * @param callTimeout       the timeout of a request given none
 * @param sendRetryTimeout  how long a send retries while back pressured or during admin actions
 * @param connectTimeout    how long a send waits for a peer's endpoint to connect
 * @param helloWindow       how far a HELLO's timestamp may be from this node's clock
 * @param callbackThreads   threads completing requests and answering for missing handlers
 * @param streamSessionLimit the embedded driver's limit of sessions (publishers) on our stream: bounds
 *                          what strangers can make the driver hold before any secret is checked
 * @param reassemblyMaxBytes bytes all chunk reassemblies together may hold (at least max.payload)
 * @param transferTimeout   a chunked transfer without progress for this long is dropped
 */
public record TransportSettings(
    NodeId nodeId, String clusterName, byte[] key, String bindHost, int port, String advertiseHost,
    Path aeronDir, boolean externalDriver, DriverThreading threading, IdleKind idle, long maxParkNs,
    int termLength, int chunkSize, int maxPayload, Duration callTimeout, Duration sendRetryTimeout,
    Duration connectTimeout, Duration helloWindow, int callbackThreads, int streamSessionLimit,
    long reassemblyMaxBytes, Duration transferTimeout) {

    /** Bytes of a frame besides the payload, with room to spare (SBE header, fixed block, length, MAC). */
    static final int FRAME_OVERHEAD = 128;
    public static final int MIN_MAX_PAYLOAD = 64 * 1024 * 1024;
    public static final int DEFAULT_STREAM_SESSION_LIMIT = 256;
    public static final long DEFAULT_REASSEMBLY_MAX_BYTES = 256L * 1024 * 1024;
    public static final Duration DEFAULT_TRANSFER_TIMEOUT = Duration.ofSeconds(10);

    public TransportSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(advertiseHost, "advertiseHost");
        Objects.requireNonNull(aeronDir, "aeronDir");
        Objects.requireNonNull(threading, "threading.mode");
        Objects.requireNonNull(idle, "idle.strategy");
        key = key.clone();
        require(key.length == 32, "transport key must be 32 bytes, was " + key.length);
        require(port >= 0 && port <= 65_535, "port must be 0..65535, was " + port);
        require(maxParkNs >= 1_000 && maxParkNs <= 100_000_000L,
            "idle.max.park.us must be 1..100000, was " + maxParkNs / 1_000);
        require(termLength >= 64 * 1024 && termLength <= 1 << 30 && Integer.bitCount(termLength) == 1,
            "term.length must be a power of two from 65536 to 1073741824, was " + termLength);
        require(chunkSize >= 1024 && chunkSize + FRAME_OVERHEAD <= termLength / 8,
            "chunk.size must be at least 1024 and fit an eighth of term.length less " + FRAME_OVERHEAD
                + " bytes (" + (termLength / 8 - FRAME_OVERHEAD) + "), was " + chunkSize);
        require(maxPayload >= MIN_MAX_PAYLOAD && maxPayload <= 1 << 30,
            "max.payload must be 67108864..1073741824, was " + maxPayload);
        requirePositive(callTimeout, "call.timeout.ms");
        requirePositive(sendRetryTimeout, "send.retry.timeout.ms");
        requirePositive(connectTimeout, "connect.timeout.ms");
        requirePositive(helloWindow, "hello.window.ms");
        require(callbackThreads >= 1 && callbackThreads <= 64, "callback.threads must be 1..64, was " + callbackThreads);
        require(streamSessionLimit >= 2 && streamSessionLimit <= 65_536,
            "stream.session.limit must be 2..65536, was " + streamSessionLimit);
        require(reassemblyMaxBytes >= maxPayload && reassemblyMaxBytes <= 1L << 40,
            "reassembly.max.bytes must be at least max.payload (" + maxPayload + ") and at most 2^40, was "
                + reassemblyMaxBytes);
        requirePositive(transferTimeout, "transfer.timeout.ms");
    }

    /** The settings before the memory bounds existed, with the bounds at their defaults. */
    public TransportSettings(NodeId nodeId, String clusterName, byte[] key, String bindHost, int port,
                             String advertiseHost, Path aeronDir, boolean externalDriver, DriverThreading threading,
                             IdleKind idle, long maxParkNs, int termLength, int chunkSize, int maxPayload,
                             Duration callTimeout, Duration sendRetryTimeout, Duration connectTimeout,
                             Duration helloWindow, int callbackThreads) {
        this(nodeId, clusterName, key, bindHost, port, advertiseHost, aeronDir, externalDriver, threading, idle,
            maxParkNs, termLength, chunkSize, maxPayload, callTimeout, sendRetryTimeout, connectTimeout, helloWindow,
            callbackThreads, DEFAULT_STREAM_SESSION_LIMIT, Math.max(DEFAULT_REASSEMBLY_MAX_BYTES, maxPayload),
            DEFAULT_TRANSFER_TIMEOUT);
    }

    /** The largest frame this node accepts: a chunk of its own chunk size and the frame's overhead. */
    int maxFrame() {
        return chunkSize + FRAME_OVERHEAD;
    }

    public TransportSettings withLimits(int newStreamSessionLimit, long newReassemblyMaxBytes, Duration newTransferTimeout) {
        return new TransportSettings(nodeId, clusterName, key, bindHost, port, advertiseHost, aeronDir, externalDriver,
            threading, idle, maxParkNs, termLength, chunkSize, maxPayload, callTimeout, sendRetryTimeout,
            connectTimeout, helloWindow, callbackThreads, newStreamSessionLimit, newReassemblyMaxBytes, newTransferTimeout);
    }

    /** The same settings on another port (a restarted engine takes back the port it had). */
    public TransportSettings withPort(int newPort) {
        return new TransportSettings(nodeId, clusterName, key, bindHost, newPort, advertiseHost, aeronDir, externalDriver,
            threading, idle, maxParkNs, termLength, chunkSize, maxPayload, callTimeout, sendRetryTimeout,
            connectTimeout, helloWindow, callbackThreads, streamSessionLimit, reassemblyMaxBytes, transferTimeout);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        require(!d.isNegative() && !d.isZero(), name + " must be positive, was " + d.toMillis());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("org.swarmosgi.transport.aeron: " + message);
        }
    }

    /** Defaults for everything but identity and addresses, as the configuration defaults them. */
    public static TransportSettings defaults(NodeId nodeId, String clusterName, byte[] key, String host, int port, Path aeronDir) {
        return new TransportSettings(nodeId, clusterName, key, host, port, host, aeronDir, false,
            DriverThreading.INVOKER, IdleKind.BACKOFF, 1_000_000L, 2 * 1024 * 1024, 64 * 1024, MIN_MAX_PAYLOAD,
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(60), 1);
    }

    public TransportSettings withThreading(DriverThreading newThreading, IdleKind newIdle, long newMaxParkNs) {
        return new TransportSettings(nodeId, clusterName, key, bindHost, port, advertiseHost, aeronDir, externalDriver,
            newThreading, newIdle, newMaxParkNs, termLength, chunkSize, maxPayload, callTimeout, sendRetryTimeout,
            connectTimeout, helloWindow, callbackThreads, streamSessionLimit, reassemblyMaxBytes, transferTimeout);
    }
}

package org.swarmosgi.transport.aeron.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of PID {@code org.swarmosgi.transport.aeron}. Every key is optional; the defaults suit
 * a small machine and two nodes on one host need no configuration at all. Addresses come from the
 * node ({@code org.swarmosgi.node}: bind and advertise address), not from here.
 */
@ObjectClassDefinition(name = "Swarm Aeron transport", description = "Node-to-node messaging over Aeron.")
public @interface TransportConfig {

    @AttributeDefinition(description = "UDP port of this node's endpoint; 0 picks a free port, read back from Aeron.")
    int port() default 0;

    @AttributeDefinition(name = "aeron.dir", description = "Directory of an external, running media driver. Empty: an "
        + "embedded driver in <node work folder>/aeron, removed on clean stop.")
    String aeron_dir() default "";

    @AttributeDefinition(name = "threading.mode", description = "Embedded driver threading: INVOKER (no driver "
        + "thread; the transport's one duty-cycle thread drives it), SHARED (one driver thread) or DEDICATED (three).")
    DriverThreading threading_mode() default DriverThreading.INVOKER;

    @AttributeDefinition(name = "idle.strategy", description = "What idle duty cycles do: BACKOFF (brief spin and "
        + "yield, then park up to idle.max.park.us) or SLEEPING (park idle.max.park.us).")
    IdleKind idle_strategy() default IdleKind.BACKOFF;

    @AttributeDefinition(name = "idle.max.park.us", description = "Longest park of an idle duty cycle, microseconds "
        + "(1..100000). Lower: less latency at low rates, more CPU when idle.")
    long idle_max_park_us() default 1000;

    @AttributeDefinition(name = "term.length", description = "Aeron term length of each stream, bytes (power of two, "
        + "65536..1073741824). Each stream maps three terms per end.")
    int term_length() default 2 * 1024 * 1024;

    @AttributeDefinition(name = "chunk.size", description = "Largest payload sent in one frame, bytes; larger payloads "
        + "go in chunks of this size. At most term.length / 8 - 128.")
    int chunk_size() default 64 * 1024;

    @AttributeDefinition(name = "max.payload", description = "Largest payload accepted, bytes (67108864..1073741824).")
    int max_payload() default 64 * 1024 * 1024;

    @AttributeDefinition(name = "call.timeout.ms", description = "Timeout of a request given none, milliseconds.")
    long call_timeout_ms() default 5000;

    @AttributeDefinition(name = "send.retry.timeout.ms", description = "How long a send retries while the peer is "
        + "back pressured or the driver busy, before it fails with BACK_PRESSURED or ADMIN_ACTION, milliseconds.")
    long send_retry_timeout_ms() default 1000;

    @AttributeDefinition(name = "connect.timeout.ms", description = "How long a send waits for a peer's endpoint to "
        + "connect before it fails with NOT_CONNECTED, milliseconds.")
    long connect_timeout_ms() default 3000;

    @AttributeDefinition(name = "hello.window.ms", description = "How far a peer's HELLO timestamp may be from this "
        + "node's clock, milliseconds; older HELLOs are refused as replays.")
    long hello_window_ms() default 60000;

    @AttributeDefinition(name = "callback.threads", description = "Threads that complete requests (1..64); work "
        + "chained on a request's stage runs there unless given its own executor.")
    int callback_threads() default 1;

    @AttributeDefinition(name = "stream.session.limit", description = "Most Aeron sessions (publishers) the embedded "
        + "driver takes on this node's stream at once (2..65536); bounds what strangers can make it hold before any "
        + "secret is checked. Each peer uses one; keep it above twice the cluster size.")
    int stream_session_limit() default TransportSettings.DEFAULT_STREAM_SESSION_LIMIT;

    @AttributeDefinition(name = "reassembly.max.bytes", description = "Bytes all chunked transfers being put back "
        + "together may hold at once, across peers (at least max.payload). A transfer that would pass it is dropped.")
    long reassembly_max_bytes() default TransportSettings.DEFAULT_REASSEMBLY_MAX_BYTES;

    @AttributeDefinition(name = "transfer.timeout.ms", description = "A chunked transfer without a new chunk for this "
        + "long is dropped, milliseconds.")
    long transfer_timeout_ms() default 10000;
}

package org.swarmosgi.transport.aeron.internal;

/** How the embedded media driver gets its threads (ignored with an external driver). */
public enum DriverThreading {
    /** No driver thread: the transport's one duty-cycle thread also drives the media driver. */
    INVOKER,
    /** One driver thread for conductor, sender and receiver, beside the transport's thread. */
    SHARED,
    /** Aeron's default: three driver threads. For machines with cores to spare. */
    DEDICATED
}

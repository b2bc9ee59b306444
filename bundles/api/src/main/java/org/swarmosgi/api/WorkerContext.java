package org.swarmosgi.api;

/**
 * What a running worker knows of itself, given to {@link Worker#onStart}.
 */
public interface WorkerContext {

    /** The registered name this instance was started for. */
    String name();

    /** This instance's cluster-wide reference. */
    WorkerRef self();

    /** The start arguments given to {@link SwarmRegistry#register}, as bytes. */
    byte[] args();

    /** The registry, to join groups or message other workers from a handler. */
    SwarmRegistry registry();
}

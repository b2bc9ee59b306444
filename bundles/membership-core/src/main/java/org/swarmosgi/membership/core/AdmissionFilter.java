package org.swarmosgi.membership.core;

import java.net.InetSocketAddress;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;

/**
 * Decides whether an authenticated heartbeat from a node that is not a member yet may admit it.
 * Called on the engine thread for each such heartbeat until one is accepted: must be quick and
 * must not block (look up a set the strategy keeps current).
 */
@FunctionalInterface
public interface AdmissionFilter {

    /** Admits everyone who holds the cluster key. */
    AdmissionFilter ANY = (id, transport, source) -> true;

    /**
     * @param id        the candidate's name and incarnation
     * @param transport the transport endpoint it advertises
     * @param source    the address its heartbeat came from
     * @return true to admit it
     */
    boolean admit(NodeId id, Endpoint transport, InetSocketAddress source);
}

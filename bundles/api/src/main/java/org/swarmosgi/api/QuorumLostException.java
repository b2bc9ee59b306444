package org.swarmosgi.api;

/** This side of a partition has fewer nodes than the configured quorum and refuses the operation. */
public final class QuorumLostException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public QuorumLostException(String message) {
        super(message);
    }

    public QuorumLostException(String message, Throwable cause) {
        super(message, cause);
    }
}

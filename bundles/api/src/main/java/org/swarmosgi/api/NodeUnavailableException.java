package org.swarmosgi.api;

/** The node that must serve the operation is down or unreachable. */
public final class NodeUnavailableException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public NodeUnavailableException(String message) {
        super(message);
    }

    public NodeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

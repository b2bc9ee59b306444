package org.swarmosgi.api.transport;

import org.swarmosgi.api.SwarmException;

/** A message could not be sent or answered. {@link #reason()} says why. */
public final class TransportException extends SwarmException {
    private static final long serialVersionUID = 1L;

    /** Why a transport operation failed. */
    public enum Reason {
        /** No connection to the peer could be made, or it was lost. */
        NOT_CONNECTED,
        /** The peer's receive window stayed full through the bounded retry. */
        BACK_PRESSURED,
        /** The local driver was busy with administration through the bounded retry. */
        ADMIN_ACTION,
        /** The publication reached the end of its log; it is being replaced. */
        MAX_POSITION_EXCEEDED,
        /** The transport is closed. */
        CLOSED,
        /** The receiver has no handler for the topic. */
        NO_HANDLER,
        /** The receiver's handler answered with an error. */
        REMOTE_ERROR
    }

    private final Reason reason;

    public TransportException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public TransportException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

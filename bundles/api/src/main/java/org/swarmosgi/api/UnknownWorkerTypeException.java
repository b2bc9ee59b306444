package org.swarmosgi.api;

/** No service offers the worker type on the node that must start the worker. */
public final class UnknownWorkerTypeException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public UnknownWorkerTypeException(String message) {
        super(message);
    }

    public UnknownWorkerTypeException(String message, Throwable cause) {
        super(message, cause);
    }
}

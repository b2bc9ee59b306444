package org.swarmosgi.api;

/** The worker a ref points to has stopped, or its node incarnation is gone. */
public final class NoSuchWorkerException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public NoSuchWorkerException(String message) {
        super(message);
    }

    public NoSuchWorkerException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.swarmosgi.api;

/** The worker threw while starting or handling the message; the message carries the remote error text. */
public final class WorkerFailedException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public WorkerFailedException(String message) {
        super(message);
    }

    public WorkerFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

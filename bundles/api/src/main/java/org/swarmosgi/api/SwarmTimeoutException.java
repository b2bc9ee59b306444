package org.swarmosgi.api;

/** The operation did not complete within its timeout. */
public final class SwarmTimeoutException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public SwarmTimeoutException(String message) {
        super(message);
    }

    public SwarmTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

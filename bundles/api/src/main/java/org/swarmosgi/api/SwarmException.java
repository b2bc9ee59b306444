package org.swarmosgi.api;

/** Base of every error the registry reports. Futures of the API complete exceptionally with these. */
public class SwarmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SwarmException(String message) {
        super(message);
    }

    public SwarmException(String message, Throwable cause) {
        super(message, cause);
    }
}

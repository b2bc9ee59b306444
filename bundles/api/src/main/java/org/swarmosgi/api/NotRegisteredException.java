package org.swarmosgi.api;

/** No worker is registered under the name. */
public final class NotRegisteredException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public NotRegisteredException(String message) {
        super(message);
    }

    public NotRegisteredException(String message, Throwable cause) {
        super(message, cause);
    }
}

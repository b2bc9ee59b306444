package org.swarmosgi.api.host;

import org.swarmosgi.api.SwarmException;

/** An order carried a record version older than the one the worker runs at: it was refused. */
public final class StaleOrderException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public StaleOrderException(String message) {
        super(message);
    }
}

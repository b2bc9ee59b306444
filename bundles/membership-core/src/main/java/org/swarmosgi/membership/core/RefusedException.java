package org.swarmosgi.membership.core;

/** A datagram that is not a valid heartbeat of this cluster. Carries no stack trace: it is routine. */
final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Counter reason;

    RefusedException(Counter reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    Counter reason() {
        return reason;
    }
}

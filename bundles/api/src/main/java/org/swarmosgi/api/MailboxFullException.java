package org.swarmosgi.api;

/** The worker's mailbox holds as many messages as its type allows; the message was not queued. */
public final class MailboxFullException extends SwarmException {
    private static final long serialVersionUID = 1L;

    public MailboxFullException(String message) {
        super(message);
    }
}

package org.swarmosgi.transport.aeron.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.swarmosgi.api.transport.MessageHandler;

/**
 * A topic's handler and its executor. The receive thread collects the messages of one poll in a batch
 * and hands the batch to the executor as one task: one hand-off per poll, not per message.
 */
final class HandlerEntry {
    private static final System.Logger LOG = System.getLogger(HandlerEntry.class.getName());

    final int topic;
    final Executor executor;
    final MessageHandler handler;
    // Receive thread only.
    List<Inbound> batch = new ArrayList<>();

    HandlerEntry(int topic, Executor executor, MessageHandler handler) {
        this.topic = topic;
        this.executor = executor;
        this.handler = handler;
    }

    /** Runs on the executor. A handler's failure fails its request, never the transport. */
    void run(List<Inbound> messages) {
        for (Inbound message : messages) {
            try {
                handler.onMessage(message);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "handler of topic " + topic + " failed on a message from "
                    + message.sender(), e);
                if (message.isRequest() && !message.answered()) {
                    try {
                        message.fail("handler failed: " + e);
                    } catch (RuntimeException again) {
                        LOG.log(System.Logger.Level.DEBUG, "could not report a handler failure", again);
                    }
                }
            }
        }
    }
}

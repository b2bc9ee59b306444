package org.swarmosgi.shell.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.transport.Transport;

/**
 * Answers {@code swarm:ping} from other nodes: echoes the payload back. Its own single thread,
 * parked when idle, so a ping never waits behind other work and never runs on the transport thread.
 */
@Component(service = {}, immediate = true)
public final class PingResponder {

    /** The transport topic of pings. */
    static final int TOPIC = org.swarmosgi.api.transport.Topics.SHELL_BASE;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        final Thread thread = new Thread(r, "swarm-shell-ping");
        thread.setDaemon(true);
        return thread;
    });
    private final Subscription subscription;

    @Activate
    public PingResponder(@Reference Transport transport) {
        subscription = transport.handle(TOPIC, executor, message -> message.reply(message.payload()));
    }

    @Deactivate
    void deactivate() {
        subscription.close();
        executor.shutdown();
    }
}

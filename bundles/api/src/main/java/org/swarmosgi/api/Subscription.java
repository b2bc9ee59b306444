package org.swarmosgi.api;

/** A registration of a listener or handler; {@link #close()} removes it. Idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}

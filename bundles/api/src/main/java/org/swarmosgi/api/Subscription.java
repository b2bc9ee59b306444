package org.swarmosgi.api;

import org.osgi.annotation.versioning.ProviderType;

/** A registration of a listener or handler; {@link #close()} removes it. Idempotent. */
@ProviderType
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}

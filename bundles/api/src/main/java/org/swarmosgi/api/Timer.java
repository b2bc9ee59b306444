package org.swarmosgi.api;

import org.osgi.annotation.versioning.ProviderType;

/** A message scheduled by {@link WorkerContext#schedule}. */
@ProviderType
public interface Timer {

    /** Cancels it; false when it had fired or been cancelled already. */
    boolean cancel();
}

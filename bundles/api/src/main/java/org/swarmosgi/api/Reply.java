package org.swarmosgi.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The answer to one call, given to {@link Worker#handleCall}. Exactly one of {@link #reply} or
 * {@link #fail} takes effect; later answers are ignored and return false. Safe to use from any thread,
 * but touch the worker's own state only on its mailbox. An answer after the caller's timeout is
 * dropped by the caller's node.
 *
 * @param <R> the reply type
 */
@ProviderType
public interface Reply<R> {

    /**
     * Answers the call.
     *
     * @param value the reply; must not be null
     * @return false when the call was answered already (or the worker stopped first)
     */
    boolean reply(R value);

    /**
     * Fails the call: the caller's stage fails with {@link WorkerFailedException} carrying
     * {@code reason}.
     *
     * @return false when the call was answered already (or the worker stopped first)
     */
    boolean fail(String reason);

    /** True once answered (or failed because the worker stopped). */
    boolean isDone();
}

/**
 * The local worker host: worker types from bundles (whiteboard of {@link org.swarmosgi.api.WorkerType}
 * services), one bounded mailbox per worker served by a small shared pool, timers, versioned orders and
 * handoff. Publishes {@link org.swarmosgi.api.host.WorkerHost}. Private: nothing here is exported.
 */
package org.swarmosgi.container.internal;

/**
 * The device example: a {@link org.swarmosgi.api.WorkerType} ({@code swarm.worker.type=device}) whose
 * workers tick on a timer and are members of the group {@code devices}, like the worker of Swarm's
 * README. Private to this bundle.
 */
package org.swarmosgi.examples.device;

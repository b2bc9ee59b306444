/**
 * The counter example: a {@link org.swarmosgi.api.WorkerType} ({@code swarm.worker.type=counter})
 * and its worker. Private to this bundle: users reach counters through the
 * {@link org.swarmosgi.api.SwarmRegistry} with {@link org.swarmosgi.api.Codec#UTF8} text messages,
 * never through these classes.
 */
package org.swarmosgi.examples.counter;

package org.swarmosgi.api.metrics;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bundle's figures, published as an OSGi service: every reader (shell, JMX, Prometheus) asks each
 * registered source for a snapshot when it is read, so a source costs nothing between reads.
 * Implemented by every bundle that counts (a whiteboard: implementers are this package's consumers).
 */
@ConsumerType
public interface MetricSource {

    /**
     * The part of the node these figures describe, one word in upper camel case (e.g. {@code Transport},
     * {@code Membership}, {@code Registry}, {@code Container}): the JMX {@code type} of
     * {@code org.swarmosgi:type=<group>} and the heading in {@code swarm:stats}. Never changes.
     */
    String group();

    /**
     * The figures now. Called from any thread, at any time, also after the source's component has
     * stopped (then with the last values); it must not block. The same names and labels each time.
     */
    List<Metric> metrics();
}

package org.swarmosgi.api.deployment;

import java.util.List;
import java.util.Objects;

/**
 * One deployed bundle as a node sees it: what the cluster should run, and what each node reports.
 *
 * @param symbolicName the bundle's symbolic name: what identifies the deployment
 * @param version      the bundle's version (the last deployed one, for an undeployed bundle)
 * @param sha256       the bundle's SHA-256, 64 lower-case hex digits
 * @param size         the bundle's size in bytes
 * @param generation   how many changes the deployment has seen: 1 for a first deploy, higher after
 *                     each redeploy or undeploy
 * @param deployed     false once it was undeployed
 * @param origin       the node the last change was made on
 * @param nodes        every live node's report on it, sorted by node name
 */
public record Deployment(String symbolicName, String version, String sha256, long size, long generation,
                         boolean deployed, String origin, List<NodeState> nodes) {

    public Deployment {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(origin, "origin");
        nodes = List.copyOf(nodes);
    }

    /** What one node reports of a deployment. */
    public enum State {
        /** It is fetching the bytes from a peer. */
        FETCHING,
        /** It is installing, updating or uninstalling the bundle. */
        INSTALLING,
        /** The bundle is started. */
        ACTIVE,
        /** The bytes or the bundle failed: see {@link NodeState#error()}. */
        FAILED,
        /** The bundle is not installed (undeployed). */
        REMOVED,
        /**
         * An older version runs; the new one is here and waits for its turn in the rolling upgrade: nodes
         * update one at a time so that the others offer the worker type meanwhile.
         */
        WAITING
    }

    /**
     * One node's report.
     *
     * @param node       the node's name
     * @param generation the generation of the change this report is about (lower than the
     *                   deployment's while the node is behind)
     * @param version    the version it is about
     * @param sha256     the hash it is about
     * @param state      where the node is
     * @param error      why it failed ({@link State#FAILED}), or why the last attempt failed while it
     *                   fetches again ({@link State#FETCHING}); empty otherwise
     */
    public record NodeState(String node, long generation, String version, String sha256, State state, String error) {

        public NodeState {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(error, "error");
        }
    }
}

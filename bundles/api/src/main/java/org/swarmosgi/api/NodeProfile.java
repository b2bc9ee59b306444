package org.swarmosgi.api;

import java.util.Objects;
import java.util.Set;

/**
 * What the registry has heard of a node that it places names on: the node's roles (its setting {@code roles})
 * and the worker types it offers now (those its bundles provide and its roles allow). Each node replicates both
 * with its records, so every node knows them for every peer it has synced with.
 *
 * @param id          the node
 * @param roles       its roles; empty when it has none
 * @param workerTypes the worker types it offers; empty while it offers none (drained, or no worker bundle)
 * @since 1.3
 */
public record NodeProfile(NodeId id, Set<String> roles, Set<String> workerTypes) {
    public NodeProfile {
        Objects.requireNonNull(id, "id");
        roles = Set.copyOf(roles);
        workerTypes = Set.copyOf(workerTypes);
    }
}

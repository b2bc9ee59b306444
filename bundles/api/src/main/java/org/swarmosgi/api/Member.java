package org.swarmosgi.api;

import java.util.Objects;

/**
 * A node of the cluster as membership sees it: who it is and where its transport listens.
 *
 * @param id       the node's name and incarnation
 * @param endpoint the node's transport endpoint
 */
public record Member(NodeId id, Endpoint endpoint) implements Comparable<Member> {

    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    public int compareTo(Member other) {
        return id.compareTo(other.id);
    }

    @Override
    public String toString() {
        return id + "@" + endpoint;
    }
}

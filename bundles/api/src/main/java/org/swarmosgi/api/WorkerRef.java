package org.swarmosgi.api;

import java.util.Objects;

/**
 * A reference to one running worker instance, valid anywhere in the cluster: the node that runs it
 * and the worker's id on that node. The Swarm analogue of a pid.
 *
 * <p>A ref names an instance, not a name: after a worker moves or restarts it has a new ref. Sending
 * to a ref whose instance has stopped fails with {@link NoSuchWorkerException}.
 *
 * @param node the node (name and incarnation) that runs the worker
 * @param id   the worker's id, unique among the workers that node has ever run in this incarnation
 */
public record WorkerRef(NodeId node, long id) {

    public WorkerRef {
        Objects.requireNonNull(node, "node");
    }

    @Override
    public String toString() {
        return "<" + node + "." + id + ">";
    }
}

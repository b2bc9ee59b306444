package org.swarmosgi.membership.kubernetes.internal;

import java.util.Objects;

/**
 * The parts of one pod of a PodList that membership needs.
 *
 * @param name  metadata.name
 * @param uid   metadata.uid (a new pod under the same name has a new uid)
 * @param ip    status.podIP, empty while the pod has none
 * @param phase status.phase (Pending, Running, Succeeded, Failed, Unknown)
 * @param ready true when status.conditions holds {@code {type: Ready, status: "True"}}
 */
record Pod(String name, String uid, String ip, String phase, boolean ready) {

    Pod {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(phase, "phase");
    }

    /** Only Running and Ready pods with an IP take part in the cluster. */
    boolean isMember() {
        return ready && "Running".equals(phase) && !ip.isEmpty();
    }
}

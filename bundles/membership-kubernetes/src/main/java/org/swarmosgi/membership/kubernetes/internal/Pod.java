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
 * @param deleting true when metadata.deletionTimestamp is set: the pod is being deleted (its
 *              containers get SIGTERM, and its node drains and leaves)
 */
record Pod(String name, String uid, String ip, String phase, boolean ready, boolean deleting) {

    Pod {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(phase, "phase");
    }

    /**
     * Running pods with an IP take part in the cluster when Ready, or when being deleted: a pod being
     * deleted is leaving (see {@link PodTarget#leaving()}), and its node must stay reachable while it
     * hands its workers off, even once the kubelet reports it not Ready.
     */
    boolean isMember() {
        return (ready || deleting) && "Running".equals(phase) && !ip.isEmpty();
    }
}

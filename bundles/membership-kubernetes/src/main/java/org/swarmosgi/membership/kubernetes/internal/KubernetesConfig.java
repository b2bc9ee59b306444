package org.swarmosgi.membership.kubernetes.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Settings of the Kubernetes strategy, PID {@value #PID}. Every setting has a default that works in
 * a pod with the standard service account mount. DS maps {@code __} in a method name to {@code _}
 * in the key, so {@code kubernetes__selector()} is the key {@code kubernetes_selector}.
 */
@ObjectClassDefinition(
        name = "Swarm membership: Kubernetes",
        description = "Members are the Running and Ready pods of this namespace that match a label selector, "
                + "listed through the Kubernetes API with the pod's service account.")
@interface KubernetesConfig {

    String PID = "org.swarmosgi.membership.kubernetes";

    /** Where Kubernetes mounts the pod's service account. */
    String SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

    @AttributeDefinition(description = "Label selector of this cluster's pods, in the syntax of kubectl -l "
            + "(e.g. app=swarm or app=swarm,tier in (a,b)). Must not be blank: that would match every pod.")
    String kubernetes__selector() default "app=swarm";

    @AttributeDefinition(description = "Node names are <kubernetes_node_basename>@<pod ip>; the node's own "
            + "name must follow the same form (SWARM_NODE_NAME in the example Deployment).")
    String kubernetes__node__basename() default "swarm";

    @AttributeDefinition(description = "Namespace whose pods are listed; empty: read it from namespace_path.")
    String namespace() default "";

    @AttributeDefinition(description = "File holding this pod's namespace (service account mount).")
    String namespace__path() default SERVICE_ACCOUNT + "/namespace";

    @AttributeDefinition(description = "Bearer token file of the service account; read again on every poll, "
            + "because projected tokens rotate.")
    String token__path() default SERVICE_ACCOUNT + "/token";

    @AttributeDefinition(description = "PEM file of the CA that signed the API server's certificate. "
            + "It is the ONLY CA trusted for the API server; the host name is verified too.")
    String ca__path() default SERVICE_ACCOUNT + "/ca.crt";

    @AttributeDefinition(description = "API server host; empty: the environment variable KUBERNETES_SERVICE_HOST.")
    String api__host() default "";

    @AttributeDefinition(description = "API server port, 0: the environment variable KUBERNETES_SERVICE_PORT "
            + "(443 when that is unset too).", min = "0", max = "65535")
    int api__port() default 0;

    @AttributeDefinition(description = "Milliseconds between two polls of the pods API (from the end of one "
            + "to the start of the next).", min = "100", max = "3600000")
    int poll__interval__ms() default 5_000;

    @AttributeDefinition(description = "Milliseconds allowed to open the TLS connection to the API server.",
            min = "100", max = "60000")
    int connect__timeout__ms() default 3_000;

    @AttributeDefinition(description = "Milliseconds allowed for a whole poll: connection, headers and body. "
            + "A poll still running then is given up and the next one scheduled.",
            min = "100", max = "120000")
    int request__timeout__ms() default 5_000;

    @AttributeDefinition(description = "Largest answer body of the pods API read, in bytes; a larger one fails "
            + "the poll (members kept) with an error naming this key.", min = "65536", max = "268435456")
    int max__body__bytes() default 16 << 20;

    @AttributeDefinition(description = "UDP port of the membership heartbeats: bound on this pod and sent to "
            + "on every member pod, so it is the same on all of them.", min = "1", max = "65535")
    int port() default 45_892;

    @AttributeDefinition(description = "Milliseconds between two heartbeats of this node.", min = "10", max = "10000")
    long heartbeat__interval__ms() default 100;

    @AttributeDefinition(description = "Suspicion level (phi) at which a silent member is declared down.",
            min = "1", max = "30")
    double phi__threshold() default 8.0;

    @AttributeDefinition(description = "Milliseconds of silence tolerated beyond the mean heartbeat interval "
            + "before suspicion grows (GC, CPU starvation).", min = "0", max = "60000")
    long acceptable__pause__ms() default 800;

    @AttributeDefinition(description = "Floor of the heartbeat interval deviation in milliseconds, so steady "
            + "heartbeats do not make the failure detector hair-trigger.", min = "1", max = "10000")
    long min__std__deviation__ms() default 100;
}

package org.swarmosgi.node.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Settings of PID {@code org.swarmosgi.node}. An empty string always means "the default". */
@ObjectClassDefinition(name = "Swarm node", description = "This node's identity, cluster and network settings.")
public @interface NodeConfig {

    @AttributeDefinition(description = "Node name, unique in the cluster. Empty: <hostname>-<random hex>.")
    String name() default "";

    @AttributeDefinition(description = "Cluster name: letters, digits, '.', '_' or '-', at most 64. "
            + "Nodes of other clusters are refused.")
    String cluster_name() default "swarm";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Shared cluster secret, at least 16 "
            + "characters. Empty: a built-in development secret, which keeps the node and its membership on "
            + "loopback (bind and advertise addresses, multicast if_addr, static seeds).")
    String cluster_secret() default "";

    @AttributeDefinition(description = "A file holding the cluster secret (e.g. a mounted Kubernetes Secret); "
            + "excludes cluster.secret. Must be private to the node's user (chmod 600), or owned by root and "
            + "readable by its group only (0440, as a Kubernetes Secret volume with fsGroup makes it), and at most 4 KiB.")
    String cluster_secret_file() default "";

    @AttributeDefinition(description = "Membership strategy.", options = {
            @Option(value = "multicast", label = "UDP multicast heartbeats"),
            @Option(value = "kubernetes", label = "Kubernetes pods API"),
            @Option(value = "static", label = "Static seed list"),
            @Option(value = "none", label = "No clustering: a single node")})
    String autocluster() default "multicast";

    @AttributeDefinition(description = "Address the node's sockets bind to. Loopback by default; "
            + "0.0.0.0 or an interface address opens the node to a network.")
    String bind_address() default "127.0.0.1";

    @AttributeDefinition(description = "Address peers reach this node at. Empty: the bind address, or the "
            + "first non-loopback address when binding a wildcard.")
    String advertise_address() default "";

    @AttributeDefinition(description = "Folder for this node's runtime files. Empty: the bundle's data area.")
    String work_dir() default "";

    @AttributeDefinition(description = "Roles of this node, separated by commas (e.g. 'gpu,edge'): each 1 to 64 "
            + "letters, digits, '.', '_' or '-'. A worker type that requires roles runs only on nodes that have "
            + "them all. Empty: no roles.")
    String roles() default "";
}

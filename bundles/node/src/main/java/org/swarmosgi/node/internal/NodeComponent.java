package org.swarmosgi.node.internal;

import java.lang.System.Logger.Level;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.node.LocalNode;

/**
 * Reads PID {@code org.swarmosgi.node} and registers {@link LocalNode}. The service is registered
 * by hand rather than by DS so that its properties are chosen ({@value LocalNode#AUTOCLUSTER} and
 * names) and the secret, a configuration property, never becomes a service property. A
 * configuration change reactivates the component: a new incarnation. The capability tells resolvers
 * (Karaf's feature resolver) what DS would have declared: every {@code @Reference LocalNode} is an
 * {@code osgi.service} requirement.
 */
@Component(service = {}, immediate = true, configurationPid = "org.swarmosgi.node",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = NodeConfig.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.swarmosgi.api.node.LocalNode\"",
        uses = LocalNode.class)
public final class NodeComponent {
    private static final System.Logger LOG = System.getLogger(NodeComponent.class.getName());

    private final ServiceRegistration<LocalNode> registration;

    @Activate
    public NodeComponent(BundleContext context, NodeConfig config) {
        final NodeIdentity node;
        try {
            node = new NodeIdentity(NodeSettings.from(config, context.getDataFile("work").toPath(),
                    new NodeSettings.HostEnvironment()));
        } catch (ConfigException e) {
            LOG.log(Level.ERROR, e.getMessage());
            throw e;
        }
        if (node.usesDefaultSecret()) {
            LOG.log(Level.WARNING, "the cluster secret is the built-in development secret (not set, or set to it): "
                    + "this node keeps to loopback. Set cluster.secret before opening the node to a network.");
        }
        final Dictionary<String, Object> props = new Hashtable<>();
        props.put(LocalNode.AUTOCLUSTER, node.autocluster());
        props.put("swarm.node.name", node.id().name());
        props.put("swarm.cluster.name", node.clusterName());
        registration = context.registerService(LocalNode.class, node, props);
        LOG.log(Level.INFO, "node " + node);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}

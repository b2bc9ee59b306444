package org.swarmosgi.metrics.internal;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Keeps one {@link GroupMBean} {@code org.swarmosgi:type=<group>} on the platform MBeanServer for each
 * group that has a metric source: registered when its first source comes, unregistered when its last
 * goes and on {@link #close}.
 */
final class JmxExporter implements AutoCloseable {

    static final String DOMAIN = "org.swarmosgi";
    private static final System.Logger LOG = System.getLogger(JmxExporter.class.getName());

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Sources sources;
    private final Map<String, ObjectName> registered = new HashMap<>();
    private boolean closed;

    JmxExporter(Sources sources) {
        this.sources = sources;
    }

    static ObjectName name(String group) throws JMException {
        return new ObjectName(DOMAIN, "type", group);
    }

    /** After a source came or went: registers and unregisters MBeans to match the groups now. */
    synchronized void sync() {
        if (closed) {
            return;
        }
        final List<String> groups = sources.groups();
        for (String g : groups) {
            if (!registered.containsKey(g)) {
                try {
                    final ObjectName name = name(g);
                    server.registerMBean(new GroupMBean(g, sources), name);
                    registered.put(g, name);
                } catch (InstanceAlreadyExistsException e) {
                    LOG.log(System.Logger.Level.WARNING, "JMX: org.swarmosgi:type=" + g
                        + " is registered already (another framework in this JVM?); not replaced");
                } catch (JMException e) {
                    LOG.log(System.Logger.Level.WARNING, "JMX: cannot register org.swarmosgi:type=" + g + ": " + e);
                }
            }
        }
        registered.entrySet().removeIf(e -> {
            if (groups.contains(e.getKey())) {
                return false;
            }
            unregister(e.getValue());
            return true;
        });
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            // unregistered by someone else
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "JMX: cannot unregister " + name + ": " + e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        registered.values().forEach(this::unregister);
        registered.clear();
    }
}

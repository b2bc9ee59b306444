package org.swarmosgi.clusterconfig.internal;

import java.util.Arrays;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code swarm:config list|set|unset}: the cluster configuration from the shell. The reference is
 * optional and dynamic so the command stays listed and says why it cannot answer (the component waits
 * for the transport and membership); every failure is one line.
 */
@Component(service = ConfigCommands.class,
    property = {"osgi.command.scope=swarm", "osgi.command.function=config"})
public final class ConfigCommands {

    static final String NOT_RUNNING = "the cluster configuration is not running (bundle org.swarmosgi.clusterconfig)";
    static final String USAGE = "usage: swarm:config [--json] list [pid] | set <pid> <key> <value>"
            + " | unset <pid> [key]";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterConfigComponent service;

    /** For DS. */
    public ConfigCommands() {
    }

    /** For tests. */
    ConfigCommands(ClusterConfigComponent service) {
        this.service = service;
    }

    @Descriptor("the configuration shared by every node: list [pid]; set <pid> <key> <value> (the key's type is "
            + "kept, String when new; an array's items separated by commas); unset <pid> [key] (no key: delete "
            + "the PID everywhere)")
    public String config(
            @Descriptor("print one JSON document") @Parameter(names = "--json", presentValue = "true",
                    absentValue = "false") boolean json,
            @Descriptor("list, set or unset") String action,
            @Descriptor("the PID, key and value") String... args) {
        final ClusterConfigComponent s = service;
        try {
            if (s == null) {
                throw new IllegalStateException(NOT_RUNNING);
            }
            return switch (action) {
                case "list" -> {
                    arity(args, 0, 1);
                    yield ConfigReport.list(s.view(), args.length == 0 ? null : args[0], json);
                }
                case "set" -> {
                    arity(args, 3, 3);
                    yield changed(s, args[0], args[1], args[2], json);
                }
                case "unset" -> {
                    arity(args, 1, 2);
                    yield changed(s, args[0], args.length == 2 ? args[1] : null, null, json);
                }
                default -> throw new IllegalArgumentException("unknown action '" + ConfigReport.printable(action)
                        + "'; " + USAGE);
            };
        } catch (RuntimeException e) {
            return ConfigReport.error(action, e.getMessage(), json);
        }
    }

    private static String changed(ClusterConfigComponent s, String pid, String key, String value, boolean json) {
        Entry.name("pid", pid);
        if (!s.policy().shares(pid)) {
            throw new IllegalArgumentException(pid + " is not shared: " + (Policy.neverShared(pid)
                    ? "it belongs to one node" : "it is not on allow.pids " + s.policy().allowPids())
                    + "; change it on one node with config:edit or etc/");
        }
        if (key != null) {
            Entry.name("key", key);
            if (s.policy().local(key)) {
                throw new IllegalArgumentException(key + " is a secret or local key (deny.keys "
                        + s.policy().denyKeys() + "), never shared: set it on each node with config:edit or etc/");
            }
        }
        final Entry e = s.change(pid, key, value);
        return ConfigReport.changed(e, json);
    }

    private static void arity(String[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw new IllegalArgumentException("wrong number of arguments " + Arrays.toString(args) + "; " + USAGE);
        }
    }
}

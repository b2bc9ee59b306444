package org.swarmosgi.examples.device;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerType;

/**
 * The {@code device} worker type: UTF-8 text messages and replies; start arguments an optional tick
 * interval in ms (default {@value Device#DEFAULT_INTERVAL_MS}). Configuration PID {@value #PID}: the node
 * roles its workers need (none by default), e.g. {@code swarm:config set org.swarmosgi.examples.device
 * required.roles edge} for every node of the cluster at once.
 */
@Component(service = WorkerType.class, property = WorkerType.WORKER_TYPE + "=" + DeviceType.NAME,
    configurationPid = DeviceType.PID)
@Designate(ocd = DeviceType.Config.class)
public final class DeviceType implements WorkerType<String, String> {

    public static final String NAME = "device";
    public static final String PID = "org.swarmosgi.examples.device";
    /** As a node's roles: 1 to 64 letters, digits, '.', '_' or '-'. */
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @ObjectClassDefinition(name = "Swarm example: device worker type")
    public @interface Config {
        @AttributeDefinition(name = "required.roles", description = "Node roles a node must all have to run devices, "
            + "separated by commas (e.g. 'edge'); each 1 to 64 letters, digits, '.', '_' or '-'. Empty: any node.")
        String required_roles() default "";
    }

    private final Set<String> requiredRoles;

    @Activate
    public DeviceType(Config config) {
        requiredRoles = roles(config.required_roles());
    }

    /** Comma-separated roles, blanks around them ignored; a malformed one fails with what it was. */
    static Set<String> roles(String value) {
        if (value.isBlank()) {
            return Set.of();
        }
        final Set<String> roles = new TreeSet<>();
        for (String raw : value.split(",", -1)) {
            final String role = raw.strip();
            if (!ROLE.matcher(role).matches()) {
                throw new IllegalArgumentException("required.roles: each role must be 1 to 64 letters, digits, '.', "
                    + "'_' or '-', was '" + role + "' in '" + value + "'");
            }
            roles.add(role);
        }
        return Collections.unmodifiableSet(roles);
    }

    @Override
    public Set<String> requiredRoles() {
        return requiredRoles;
    }

    @Override
    public Codec<String> codec() {
        return Codec.UTF8;
    }

    @Override
    public Codec<String> replyCodec() {
        return Codec.UTF8;
    }

    @Override
    public Worker<String, String> create(WorkerContext<String> context) {
        return new Device(Device.interval(context.args()));
    }

    @Override
    public Duration handoffTimeout() {
        return Duration.ofSeconds(2);
    }
}

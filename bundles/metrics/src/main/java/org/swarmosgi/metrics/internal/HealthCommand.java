package org.swarmosgi.metrics.internal;

import org.apache.felix.service.command.Descriptor;

/** {@code swarm:health}: the node's liveness and readiness checks, as the probes see them. */
public final class HealthCommand {

    private final HealthChecks checks;

    HealthCommand(HealthChecks checks) {
        this.checks = checks;
    }

    @Descriptor("liveness and readiness of this node, as /health/live, /health/ready and the health files say")
    public String health() {
        return "alive: " + checks.alive().text() + "ready: " + checks.ready().text();
    }

    @Descriptor("liveness and readiness of this node; --json prints one JSON document")
    public String health(@Descriptor("--json") String flag) {
        if (!"--json".equals(flag)) {
            throw new IllegalArgumentException("usage: swarm:health [--json]");
        }
        return "{\"alive\":" + checks.alive().json() + ",\"ready\":" + checks.ready().json() + "}";
    }
}

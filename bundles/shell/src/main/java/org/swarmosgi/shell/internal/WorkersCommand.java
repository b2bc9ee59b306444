package org.swarmosgi.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.swarmosgi.api.host.WorkerHost;

/**
 * {@code swarm:workers}: the worker types of this node, how many of their workers run, move, crashed,
 * and each type's last problem (a refused type, a failed start, a crash, a late handoff).
 */
@Component(service = WorkersCommand.class, property = {"osgi.command.scope=swarm", "osgi.command.function=workers"})
public final class WorkersCommand {
    static final String NOT_RUNNING = "the worker host is not running (bundle org.swarmosgi.container)";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkerHost host;

    @Descriptor("lists this node's worker types: workers running and moving, starts, crashes, failed messages, "
            + "late handoffs, and each type's last problem")
    public String workers(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        final WorkerHost h = host;
        if (h == null) {
            return Json.error(json, NOT_RUNNING);
        }
        return json ? Json.write(WorkersReport.json(h.typeStatus())) : WorkersReport.format(h.typeStatus());
    }
}

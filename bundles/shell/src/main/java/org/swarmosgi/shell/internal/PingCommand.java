package org.swarmosgi.shell.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.transport.Transport;

/**
 * {@code swarm:ping}: one authenticated request/response over the transport to every other member,
 * all at once, with the round-trip time of each. Shows at a glance whether membership and transport
 * agree: a member that membership lists but the transport cannot reach is a network or secret problem.
 */
@Component(service = PingCommand.class, property = {"osgi.command.scope=swarm", "osgi.command.function=ping"})
public final class PingCommand {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Membership membership;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Transport transport;

    @Descriptor("sends a request over the transport to every other member and prints each round-trip time")
    public String ping(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        final Membership m = membership;
        final Transport t = transport;
        if (m == null || t == null) {
            return Json.error(json, "cannot ping: " + (t == null ? "the transport" : "membership") + " is not running");
        }
        final Member self = m.self();
        final List<Member> peers = new ArrayList<>();
        for (Member member : m.members()) {
            if (!member.id().equals(self.id())) {
                peers.add(member);
            }
        }
        peers.sort(null);
        final List<CompletableFuture<PingReport.Result>> pending = new ArrayList<>(peers.size());
        for (Member peer : peers) {
            final long start = System.nanoTime();
            CompletableFuture<PingReport.Result> result;
            try {
                result = t.request(peer, PingResponder.TOPIC, ByteBuffer.allocate(8).putLong(0, start), TIMEOUT)
                        .toCompletableFuture()
                        .handle((reply, error) -> error == null
                                ? PingReport.Result.ok(peer, System.nanoTime() - start)
                                : PingReport.Result.failed(peer, cause(error)));
            } catch (RuntimeException e) {
                result = CompletableFuture.completedFuture(PingReport.Result.failed(peer, e));
            }
            pending.add(result);
        }
        final List<PingReport.Result> results = new ArrayList<>(pending.size());
        for (CompletableFuture<PingReport.Result> result : pending) {
            results.add(result.join()); // each completes by its own timeout
        }
        return json ? Json.write(PingReport.json(self, results)) : PingReport.format(self, results);
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}

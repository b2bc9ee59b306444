package org.swarmosgi.shell.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.WorkerRef;

/**
 * Groups from the shell: {@code swarm:groups}, {@code members}, {@code publish}, {@code multicall}.
 * Reads the local replica ({@link SwarmRegistry#groups()}, {@link SwarmRegistry#members}); the
 * registry reference is optional and dynamic for the reason {@link RegistryCommands} gives.
 *
 * <p>{@code multicall} calls each member itself ({@link SwarmRegistry#call(WorkerRef, Object, Codec,
 * Codec, Duration)}), as the registry's own {@code multicall} does, so that each reply, failure and
 * late reply is shown against its member: the registry's result has the replies without their
 * senders and only counts the others. A call is given {@link RegistryCommands#GRACE} past the
 * timeout; a reply in that window is shown as late (the registry's multicall would have dropped it).
 */
@Component(
        service = GroupCommands.class,
        property = {"osgi.command.scope=swarm",
            "osgi.command.function=groups", "osgi.command.function=members",
            "osgi.command.function=publish", "osgi.command.function=multicall"})
public final class GroupCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SwarmRegistry registry;

    /** For DS. */
    public GroupCommands() {
    }

    /** For tests: commands on {@code registry} (null: none running). */
    GroupCommands(SwarmRegistry registry) {
        this.registry = registry;
    }

    @Descriptor("lists every group (from this node's replica) with its member count")
    public String groups(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        final SwarmRegistry r = registry;
        if (r == null) {
            return Json.error(json, RegistryReport.refused("list groups", RegistryCommands.NOT_RUNNING));
        }
        try {
            final Map<String, Integer> groups = new TreeMap<>();
            for (String g : r.groups()) {
                groups.put(g, r.members(g).size());
            }
            return json ? Json.write(GroupReport.groupsJson(groups)) : GroupReport.groups(groups);
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure("list groups", e));
        }
    }

    @Descriptor("lists the members of a group (from this node's replica): each name and its worker")
    public String members(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the group") String group) {
        try {
            ShellArgs.name("group", group);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("list members", e.getMessage()));
        }
        final SwarmRegistry r = registry;
        final String action = "list members of " + RegistryCommands.quote(group);
        if (r == null) {
            return Json.error(json, RegistryReport.refused(action, RegistryCommands.NOT_RUNNING));
        }
        try {
            final List<GroupReport.Member> members = members(r, group);
            return json ? Json.write(GroupReport.membersJson(group, members)) : GroupReport.members(group, members);
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure(action, e));
        }
    }

    @Descriptor("casts a UTF-8 text message to every member of a group (best effort: no replies, no errors)")
    public String publish(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the group") String group,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message) {
        try {
            ShellArgs.name("group", group);
            ShellArgs.message(message);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("publish", e.getMessage()));
        }
        final SwarmRegistry r = registry;
        final String action = "publish to " + RegistryCommands.quote(group);
        if (r == null) {
            return Json.error(json, RegistryReport.refused(action, RegistryCommands.NOT_RUNNING));
        }
        try {
            final int members = r.members(group).size();
            r.publish(group, message, Codec.UTF8);
            if (json) {
                return Json.write(Json.object().put("group", group).put("members", members));
            }
            return Text.fit(members == 0 ? "no members in group '" + Text.printable(group) + "': nothing sent"
                    : "published to " + members + (members == 1 ? " member" : " members") + " of "
                    + RegistryCommands.quote(group) + " (best effort: delivery is not confirmed)", Text.WIDTH);
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure(action, e));
        }
    }

    @Descriptor("calls every member of a group with a UTF-8 text message; prints each reply, failure or late reply")
    public String multicall(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the group") String group,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message) {
        return multicall(json, group, message, null);
    }

    @Descriptor("calls every member of a group with a UTF-8 text message; prints each reply, failure or late reply")
    public String multicall(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the group") String group,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message,
            @Descriptor("how long to wait for the replies, in ms (default 5000); later ones are shown as late")
            String timeoutMs) {
        final Duration timeout;
        try {
            ShellArgs.name("group", group);
            ShellArgs.message(message);
            timeout = ShellArgs.timeoutMs(timeoutMs);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("multicall", e.getMessage()));
        }
        final SwarmRegistry r = registry;
        final String action = "multicall " + RegistryCommands.quote(group);
        if (r == null) {
            return Json.error(json, RegistryReport.refused(action, RegistryCommands.NOT_RUNNING));
        }
        final List<GroupReport.Member> members;
        try {
            members = members(r, group);
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure(action, e));
        }
        final Duration late = timeout.plus(RegistryCommands.GRACE);
        final List<CompletableFuture<GroupReport.Answer>> pending = new ArrayList<>(members.size());
        for (GroupReport.Member m : members) {
            pending.add(call(r, m, message, timeout, late));
        }
        final List<GroupReport.Answer> answers = new ArrayList<>(pending.size());
        final long deadline = System.nanoTime() + late.plus(RegistryCommands.GRACE).toNanos();
        for (int i = 0; i < pending.size(); i++) {
            try {
                answers.add(pending.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Json.error(json, RegistryReport.refused(action, "interrupted while waiting for the replies"));
            } catch (Exception e) { // the registry never answered: bounded here
                answers.add(new GroupReport.Answer(members.get(i), GroupReport.Outcome.NO_REPLY, -1,
                        "no answer from the registry within " + late.plus(RegistryCommands.GRACE).toMillis() + " ms"));
            }
        }
        return json ? Json.write(GroupReport.multicallJson(group, answers, timeout.toMillis()))
                : GroupReport.multicall(group, answers, timeout.toMillis());
    }

    /** One member's call, given {@code late} to answer; never fails (the outcome says what happened). */
    private static CompletableFuture<GroupReport.Answer> call(SwarmRegistry r, GroupReport.Member m, String message,
                                                              Duration timeout, Duration late) {
        final long start = System.nanoTime();
        try {
            return r.call(m.worker(), message, Codec.UTF8, Codec.UTF8, late).toCompletableFuture()
                    .handle((reply, error) -> {
                        final long nanos = System.nanoTime() - start;
                        if (error == null) {
                            return new GroupReport.Answer(m, nanos <= timeout.toNanos() ? GroupReport.Outcome.OK
                                    : GroupReport.Outcome.LATE, nanos, reply == null ? "(no reply)" : reply);
                        }
                        final Throwable cause = RegistryReport.unwrap(error);
                        return cause instanceof SwarmTimeoutException
                                ? new GroupReport.Answer(m, GroupReport.Outcome.NO_REPLY, -1,
                                        "within " + late.toMillis() + " ms")
                                : new GroupReport.Answer(m, GroupReport.Outcome.FAILED, -1, RegistryReport.describe(cause));
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    new GroupReport.Answer(m, GroupReport.Outcome.FAILED, -1, RegistryReport.describe(e)));
        }
    }

    /** The group's members with the names they are registered under, from one snapshot of the replica. */
    private static List<GroupReport.Member> members(SwarmRegistry r, String group) {
        final List<WorkerRef> refs = r.members(group);
        final Map<WorkerRef, String> names = new HashMap<>();
        if (!refs.isEmpty()) {
            r.registered().forEach((name, ref) -> names.put(ref, name));
        }
        final List<GroupReport.Member> members = new ArrayList<>(refs.size());
        for (WorkerRef ref : refs) {
            members.add(new GroupReport.Member(names.getOrDefault(ref, "-"), ref));
        }
        return members;
    }
}

package org.swarmosgi.shell.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.swarmosgi.api.AlreadyRegisteredException;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.WorkerRef;

/**
 * The registry from the shell: {@code swarm:register}, {@code whereis}, {@code registered},
 * {@code call}, {@code send}, {@code unregister}, and this node's {@code drain}, {@code handoff},
 * {@code rebalance}. Gogo prints the returned text; with {@code --json}, one JSON document.
 *
 * <p>One component for these functions: they share one reference and one way of waiting and of
 * reporting errors ({@link #run}, which {@link GroupCommands} uses too). The {@link SwarmRegistry}
 * reference is optional and dynamic rather than static and mandatory: the commands stay listed (in
 * {@code help} and completion) while no registry runs, and say so ("the registry is not running")
 * instead of vanishing, which Gogo would report as "command not found", pointing a user at a typo
 * or a missing bundle instead of at the registry.
 *
 * <p>Arguments are checked ({@link ShellArgs}) before the registry is asked. Every wait on the
 * registry is bounded: its timeout plus {@link #GRACE}, so the registry's own timeout error normally
 * wins. Every failure is one line, {@code cannot <what>: <error type>: <message>}, never a stack
 * trace; the shell's thread may block, worker and registry threads are never used.
 */
@Component(
        service = RegistryCommands.class,
        property = {"osgi.command.scope=swarm",
            "osgi.command.function=register", "osgi.command.function=whereis",
            "osgi.command.function=registered", "osgi.command.function=call",
            "osgi.command.function=send", "osgi.command.function=unregister", "osgi.command.function=drain",
            "osgi.command.function=handoff", "osgi.command.function=rebalance"})
public final class RegistryCommands {

    /** Waited past an operation's own timeout, for the registry to report it. */
    static final Duration GRACE = Duration.ofSeconds(1);

    static final String NOT_RUNNING = "the registry is not running (bundle org.swarmosgi.registry)";

    static final String JSON_HELP = "print one JSON document instead of text";

    /** Longest part of a name quoted in a message. */
    private static final int NAME_IN_MESSAGE = 40;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SwarmRegistry registry;

    /** For DS. */
    public RegistryCommands() {
    }

    /** For tests: commands on {@code registry} (null: none running). */
    RegistryCommands(SwarmRegistry registry) {
        this.registry = registry;
    }

    // ---------------------------------------------------------------- register, unregister

    @Descriptor("starts a worker of a type under a name on the name's owner node; prints its ref")
    public String register(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name, 1 to 1024 UTF-8 bytes, no control characters") String name,
            @Descriptor("the worker type (its swarm.worker.type), e.g. counter") String type) {
        return register(json, name, type, null);
    }

    @Descriptor("starts a worker of a type under a name on the name's owner node; prints its ref")
    public String register(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name, 1 to 1024 UTF-8 bytes, no control characters") String name,
            @Descriptor("the worker type (its swarm.worker.type), e.g. counter") String type,
            @Descriptor("start arguments, as UTF-8 text (quote them when they have spaces)") String args) {
        try {
            ShellArgs.name("name", name);
            ShellArgs.name("worker type", type);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("register", e.getMessage()));
        }
        final byte[] bytes = args == null ? new byte[0] : args.getBytes(StandardCharsets.UTF_8);
        final Duration timeout = SwarmRegistry.DEFAULT_TIMEOUT;
        return run(registry, json, "register " + quote(name), timeout,
                r -> r.register(name, type, bytes, timeout),
                ref -> "registered " + quote(name) + ": " + ref,
                ref -> Json.object().put("name", name).put("type", type).set("worker", Json.ref(ref)),
                error -> {
                    if (error instanceof AlreadyRegisteredException already && already.existing() != null) {
                        final String line = quote(name) + " is already registered: " + already.existing();
                        return json ? Json.write(Json.object().put("error", line).put("name", name)
                                .set("existing", Json.ref(already.existing()))) : line;
                    }
                    return null;
                });
    }

    @Descriptor("unregisters a name everywhere and stops its worker")
    public String unregister(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name") String name) {
        try {
            ShellArgs.name("name", name);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("unregister", e.getMessage()));
        }
        final Duration timeout = SwarmRegistry.DEFAULT_TIMEOUT;
        return run(registry, json, "unregister " + quote(name), timeout, r -> r.unregister(name, timeout),
                done -> "unregistered " + quote(name),
                done -> Json.object().put("name", name).put("unregistered", true), null);
    }

    // ---------------------------------------------------------------- lookups

    @Descriptor("prints the worker registered under a name, from this node's replica (never waits)")
    public String whereis(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name") String name) {
        try {
            ShellArgs.name("name", name);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("look up", e.getMessage()));
        }
        final SwarmRegistry r = registry;
        if (r == null) {
            return Json.error(json, RegistryReport.refused("look up " + quote(name), NOT_RUNNING));
        }
        try {
            final Optional<WorkerRef> ref = r.whereis(name);
            if (json) {
                return Json.write(Json.object().put("name", name).set("worker", ref.map(Json::ref).orElse(null)));
            }
            return ref.map(WorkerRef::toString).orElse(quote(name) + ": not registered");
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure("look up " + quote(name), e));
        }
    }

    @Descriptor("lists the registered names with their workers, sorted, " + RegistryReport.PAGE_SIZE + " a page")
    public String registered(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the page to show, from 1")
            @Parameter(names = {"-p", "--page"}, absentValue = "1") String page) {
        return list(json, page, null);
    }

    @Descriptor("lists the registered names that match a glob, with their workers, sorted, "
            + RegistryReport.PAGE_SIZE + " a page")
    public String registered(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the page to show, from 1")
            @Parameter(names = {"-p", "--page"}, absentValue = "1") String page,
            @Descriptor("a glob: * any characters, ? one character (quote it: 'counter-*')") String glob) {
        return list(json, page, glob);
    }

    private String list(boolean json, String pageText, String globText) {
        final int page;
        final Glob glob;
        try {
            page = ShellArgs.page(pageText);
            glob = globText == null ? Glob.all() : Glob.of(globText);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("list names", e.getMessage()));
        }
        final SwarmRegistry r = registry;
        if (r == null) {
            return Json.error(json, RegistryReport.refused("list names", NOT_RUNNING));
        }
        try {
            return json ? Json.write(RegistryReport.registeredJson(r.registered(), glob, page))
                    : RegistryReport.registered(r.registered(), glob, page);
        } catch (IllegalArgumentException e) { // a page past the last one
            return Json.error(json, RegistryReport.refused("list names", e.getMessage()));
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure("list names", e));
        }
    }

    // ---------------------------------------------------------------- messaging

    @Descriptor("calls the worker registered under a name with a UTF-8 text message; prints its reply")
    public String call(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name") String name,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message) {
        return call(json, name, message, null);
    }

    @Descriptor("calls the worker registered under a name with a UTF-8 text message; prints its reply")
    public String call(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name") String name,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message,
            @Descriptor("how long to wait for the reply, in ms (default 5000)") String timeoutMs) {
        final Duration timeout;
        try {
            ShellArgs.name("name", name);
            ShellArgs.message(message);
            timeout = ShellArgs.timeoutMs(timeoutMs);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("call", e.getMessage()));
        }
        return run(registry, json, "call " + quote(name), timeout,
                r -> r.call(name, message, Codec.UTF8, Codec.UTF8, timeout),
                reply -> reply == null ? "(no reply)" : reply,
                reply -> Json.object().put("name", name).put("reply", reply), null);
    }

    @Descriptor("casts a UTF-8 text message to the worker registered under a name (no reply)")
    public String send(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name") String name,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message) {
        try {
            ShellArgs.name("name", name);
            ShellArgs.message(message);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("send", e.getMessage()));
        }
        return run(registry, json, "send to " + quote(name), SwarmRegistry.DEFAULT_TIMEOUT,
                r -> r.send(name, message, Codec.UTF8),
                done -> "sent to " + quote(name),
                done -> Json.object().put("name", name).put("sent", true), null);
    }

    // ---------------------------------------------------------------- this node

    /** Handing off hundreds of thousands of workers takes longer than one call. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    @Descriptor("hands every worker of this node off to the other nodes, before stopping it; the node takes no new "
            + "workers until its registry starts again")
    public String drain(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json) {
        return drain(json, null);
    }

    @Descriptor("hands every worker of this node off to the other nodes, before stopping it; the node takes no new "
            + "workers until its registry starts again")
    public String drain(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("how long the handoffs may take, in ms (default 60000)") String timeoutMs) {
        final Duration timeout;
        try {
            timeout = timeoutMs == null ? DRAIN_TIMEOUT : ShellArgs.timeoutMs(timeoutMs);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("drain", e.getMessage()));
        }
        return run(registry, json, "drain this node", timeout, r -> r.drain(timeout),
                done -> "drained: every worker that can move was handed off; this node takes no new workers",
                done -> Json.object().put("drained", true), null);
    }

    /** A move waits for the worker's beginHandoff answer and a start on the new node. */
    static final Duration HANDOFF_TIMEOUT = Duration.ofSeconds(30);

    @Descriptor("moves the worker of a name to its placement now, if it runs elsewhere (waiting its turn, or it "
            + "answered ignore); prints where it runs")
    public String handoff(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name") String name) {
        return handoff(json, name, null);
    }

    @Descriptor("moves the worker of a name to its placement now, if it runs elsewhere (waiting its turn, or it "
            + "answered ignore); prints where it runs")
    public String handoff(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json,
            @Descriptor("the name") String name,
            @Descriptor("how long the move may take, in ms (default 30000)") String timeoutMs) {
        final Duration timeout;
        try {
            ShellArgs.name("name", name);
            timeout = timeoutMs == null ? HANDOFF_TIMEOUT : ShellArgs.timeoutMs(timeoutMs);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("hand off", e.getMessage()));
        }
        final SwarmRegistry r = registry;
        final WorkerRef was = where(r, name);
        return run(r, json, "hand off " + quote(name), timeout, reg -> reg.handoff(name, timeout),
                ref -> ref.equals(was) ? Text.fit(quote(name) + " runs on its placement already: " + ref, Text.WIDTH)
                        : Text.fit("handed off " + quote(name) + ": " + (was == null ? "" : was + " -> ") + ref,
                        Text.WIDTH),
                ref -> Json.object().put("name", name).put("moved", !ref.equals(was))
                        .<ObjectNode>set("from", Json.ref(was)).set("worker", Json.ref(ref)), null);
    }

    @Descriptor("queues every worker of this node that runs off its placement to move now (those that answered "
            + "ignore too); prints the moves under way and queued")
    public String rebalance(
            @Descriptor(JSON_HELP) @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false")
            boolean json) {
        return run(registry, json, "rebalance this node", SwarmRegistry.DEFAULT_TIMEOUT, SwarmRegistry::rebalance,
                RegistryReport::moves, RegistryReport::movesJson, null);
    }

    // ---------------------------------------------------------------- waiting and errors

    /**
     * Asks the registry and waits for the answer, at most {@code timeout} plus {@link #GRACE}.
     *
     * @param json    whether the answer is a JSON document ({@code okJson}, or {@code {"error":...}})
     * @param special turns some errors into their own answer; returns null for the others
     */
    static <T> String run(SwarmRegistry r, boolean json, String action, Duration timeout,
                          Function<SwarmRegistry, CompletionStage<T>> operation,
                          Function<T, String> ok, Function<T, ObjectNode> okJson, Function<Throwable, String> special) {
        if (r == null) {
            return Json.error(json, RegistryReport.refused(action, NOT_RUNNING));
        }
        final T value;
        try {
            value = await(operation.apply(r), timeout.plus(GRACE));
        } catch (ExecutionException e) {
            final Throwable cause = RegistryReport.unwrap(e);
            final String text = special == null ? null : special.apply(cause);
            return text != null ? text : Json.error(json, RegistryReport.failure(action, cause));
        } catch (TimeoutException e) {
            return Json.error(json, RegistryReport.refused(action, "no answer from the registry within "
                    + timeout.plus(GRACE).toMillis() + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.error(json, RegistryReport.refused(action, "interrupted while waiting for the registry"));
        } catch (RuntimeException e) { // thrown at once: an argument the registry refused
            return Json.error(json, RegistryReport.failure(action, e));
        }
        return json ? Json.write(okJson.apply(value)) : ok.apply(value);
    }

    /** The stage's value, waiting at most {@code bound}; works for any {@link CompletionStage}. */
    static <T> T await(CompletionStage<T> stage, Duration bound)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (stage == null) {
            throw new IllegalStateException("the registry returned no result");
        }
        final CompletableFuture<T> done = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(value);
            }
        });
        return done.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where the name's worker runs now in this node's replica, or null (unknown, or no registry). */
    private static WorkerRef where(SwarmRegistry r, String name) {
        try {
            return r == null ? null : r.whereis(name).orElse(null);
        } catch (RuntimeException e) { // going away: the operation itself says so
            return null;
        }
    }

    /** A name as it appears in messages: printable, cut to {@value #NAME_IN_MESSAGE} characters. */
    static String quote(String name) {
        return Text.fit(Text.printable(name), NAME_IN_MESSAGE);
    }
}

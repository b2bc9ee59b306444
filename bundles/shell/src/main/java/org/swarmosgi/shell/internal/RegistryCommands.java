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
 * {@code call}, {@code send}, {@code unregister}. Gogo prints the returned text.
 *
 * <p>One component for the six functions: they share one reference and one way of waiting and of
 * reporting errors. The {@link SwarmRegistry} reference is optional and dynamic rather than static
 * and mandatory: the commands stay listed (in {@code help} and completion) while no registry runs,
 * and say so ("the registry is not running") instead of vanishing, which Gogo would report as
 * "command not found", pointing a user at a typo or a missing bundle instead of at the registry.
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
            "osgi.command.function=send", "osgi.command.function=unregister", "osgi.command.function=drain"})
public final class RegistryCommands {

    /** Waited past an operation's own timeout, for the registry to report it. */
    static final Duration GRACE = Duration.ofSeconds(1);

    static final String NOT_RUNNING = "the registry is not running (bundle org.swarmosgi.registry)";

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
            @Descriptor("the name, 1 to 1024 UTF-8 bytes, no control characters") String name,
            @Descriptor("the worker type (its swarm.worker.type), e.g. counter") String type) {
        return register(name, type, null);
    }

    @Descriptor("starts a worker of a type under a name on the name's owner node; prints its ref")
    public String register(
            @Descriptor("the name, 1 to 1024 UTF-8 bytes, no control characters") String name,
            @Descriptor("the worker type (its swarm.worker.type), e.g. counter") String type,
            @Descriptor("start arguments, as UTF-8 text (quote them when they have spaces)") String args) {
        try {
            ShellArgs.name("name", name);
            ShellArgs.name("worker type", type);
        } catch (IllegalArgumentException e) {
            return RegistryReport.refused("register", e.getMessage());
        }
        final byte[] bytes = args == null ? new byte[0] : args.getBytes(StandardCharsets.UTF_8);
        final Duration timeout = SwarmRegistry.DEFAULT_TIMEOUT;
        return run("register " + quote(name), timeout,
                r -> r.register(name, type, bytes, timeout),
                ref -> "registered " + quote(name) + ": " + ref,
                error -> error instanceof AlreadyRegisteredException already && already.existing() != null
                        ? quote(name) + " is already registered: " + already.existing()
                        : null);
    }

    @Descriptor("unregisters a name everywhere and stops its worker")
    public String unregister(@Descriptor("the name") String name) {
        try {
            ShellArgs.name("name", name);
        } catch (IllegalArgumentException e) {
            return RegistryReport.refused("unregister", e.getMessage());
        }
        final Duration timeout = SwarmRegistry.DEFAULT_TIMEOUT;
        return run("unregister " + quote(name), timeout, r -> r.unregister(name, timeout),
                done -> "unregistered " + quote(name), null);
    }

    // ---------------------------------------------------------------- lookups

    @Descriptor("prints the worker registered under a name, from this node's replica (never waits)")
    public String whereis(@Descriptor("the name") String name) {
        try {
            ShellArgs.name("name", name);
        } catch (IllegalArgumentException e) {
            return RegistryReport.refused("look up", e.getMessage());
        }
        final SwarmRegistry r = registry;
        if (r == null) {
            return RegistryReport.refused("look up " + quote(name), NOT_RUNNING);
        }
        try {
            final Optional<WorkerRef> ref = r.whereis(name);
            return ref.map(WorkerRef::toString).orElse(quote(name) + ": not registered");
        } catch (RuntimeException e) {
            return RegistryReport.failure("look up " + quote(name), e);
        }
    }

    @Descriptor("lists the registered names with their workers, sorted, " + RegistryReport.PAGE_SIZE + " a page")
    public String registered(
            @Descriptor("the page to show, from 1")
            @Parameter(names = {"-p", "--page"}, absentValue = "1") String page) {
        return list(page, null);
    }

    @Descriptor("lists the registered names that match a glob, with their workers, sorted, "
            + RegistryReport.PAGE_SIZE + " a page")
    public String registered(
            @Descriptor("the page to show, from 1")
            @Parameter(names = {"-p", "--page"}, absentValue = "1") String page,
            @Descriptor("a glob: * any characters, ? one character (quote it: 'counter-*')") String glob) {
        return list(page, glob);
    }

    private String list(String pageText, String globText) {
        final int page;
        final Glob glob;
        try {
            page = ShellArgs.page(pageText);
            glob = globText == null ? Glob.all() : Glob.of(globText);
        } catch (IllegalArgumentException e) {
            return RegistryReport.refused("list names", e.getMessage());
        }
        final SwarmRegistry r = registry;
        if (r == null) {
            return RegistryReport.refused("list names", NOT_RUNNING);
        }
        try {
            return RegistryReport.registered(r.registered(), glob, page);
        } catch (IllegalArgumentException e) { // a page past the last one
            return RegistryReport.refused("list names", e.getMessage());
        } catch (RuntimeException e) {
            return RegistryReport.failure("list names", e);
        }
    }

    // ---------------------------------------------------------------- messaging

    @Descriptor("calls the worker registered under a name with a UTF-8 text message; prints its reply")
    public String call(
            @Descriptor("the name") String name,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message) {
        return call(name, message, null);
    }

    @Descriptor("calls the worker registered under a name with a UTF-8 text message; prints its reply")
    public String call(
            @Descriptor("the name") String name,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message,
            @Descriptor("how long to wait for the reply, in ms (default 5000)") String timeoutMs) {
        final Duration timeout;
        try {
            ShellArgs.name("name", name);
            ShellArgs.message(message);
            timeout = ShellArgs.timeoutMs(timeoutMs);
        } catch (IllegalArgumentException e) {
            return RegistryReport.refused("call", e.getMessage());
        }
        return run("call " + quote(name), timeout,
                r -> r.call(name, message, Codec.UTF8, Codec.UTF8, timeout),
                reply -> reply == null ? "(no reply)" : reply, null);
    }

    @Descriptor("casts a UTF-8 text message to the worker registered under a name (no reply)")
    public String send(
            @Descriptor("the name") String name,
            @Descriptor("the message, as UTF-8 text (quote it when it has spaces: \"inc 5\")") String message) {
        try {
            ShellArgs.name("name", name);
            ShellArgs.message(message);
        } catch (IllegalArgumentException e) {
            return RegistryReport.refused("send", e.getMessage());
        }
        return run("send to " + quote(name), SwarmRegistry.DEFAULT_TIMEOUT,
                r -> r.send(name, message, Codec.UTF8),
                done -> "sent to " + quote(name), null);
    }

    // ---------------------------------------------------------------- this node

    /** Handing off hundreds of thousands of workers takes longer than one call. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    @Descriptor("hands every worker of this node off to the other nodes, before stopping it; the node takes no new "
            + "workers until its registry starts again")
    public String drain() {
        return drain(null);
    }

    @Descriptor("hands every worker of this node off to the other nodes, before stopping it; the node takes no new "
            + "workers until its registry starts again")
    public String drain(@Descriptor("how long the handoffs may take, in ms (default 60000)") String timeoutMs) {
        final Duration timeout;
        try {
            timeout = timeoutMs == null ? DRAIN_TIMEOUT : ShellArgs.timeoutMs(timeoutMs);
        } catch (IllegalArgumentException e) {
            return RegistryReport.refused("drain", e.getMessage());
        }
        return run("drain this node", timeout, r -> r.drain(timeout),
                done -> "drained: every worker that can move was handed off; this node takes no new workers", null);
    }

    // ---------------------------------------------------------------- waiting and errors

    /**
     * Asks the registry and waits for the answer, at most {@code timeout} plus {@link #GRACE}.
     *
     * @param special turns some errors into their own text; returns null for the others
     */
    private <T> String run(String action, Duration timeout, Function<SwarmRegistry, CompletionStage<T>> operation,
                           Function<T, String> ok, Function<Throwable, String> special) {
        final SwarmRegistry r = registry;
        if (r == null) {
            return RegistryReport.refused(action, NOT_RUNNING);
        }
        final T value;
        try {
            value = await(operation.apply(r), timeout.plus(GRACE));
        } catch (ExecutionException e) {
            final Throwable cause = RegistryReport.unwrap(e);
            final String text = special == null ? null : special.apply(cause);
            return text != null ? text : RegistryReport.failure(action, cause);
        } catch (TimeoutException e) {
            return RegistryReport.refused(action, "no answer from the registry within "
                    + timeout.plus(GRACE).toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RegistryReport.refused(action, "interrupted while waiting for the registry");
        } catch (RuntimeException e) { // thrown at once: an argument the registry refused
            return RegistryReport.failure(action, e);
        }
        return ok.apply(value);
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

    /** A name as it appears in messages: printable, cut to {@value #NAME_IN_MESSAGE} characters. */
    private static String quote(String name) {
        return Text.fit(Text.printable(name), NAME_IN_MESSAGE);
    }
}

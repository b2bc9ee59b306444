package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.swarmosgi.api.AlreadyRegisteredException;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.MulticallResult;
import org.swarmosgi.api.NameListener;
import org.swarmosgi.api.NoSuchWorkerException;
import org.swarmosgi.api.NotRegisteredException;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.UnknownWorkerTypeException;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.WorkerRef;

/**
 * The registry on one node in Felix, with the real container and the counter example: what a user
 * does through the {@link SwarmRegistry} service, and the errors a user gets for bad input.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RegistryInContainerIT {
    private static final Duration T = Duration.ofSeconds(10);

    @Inject
    private SwarmRegistry registry;

    @Inject
    private org.osgi.framework.BundleContext context;

    @Inject
    private org.apache.felix.service.command.CommandProcessor commands;

    @Configuration
    public Option[] config() {
        return SwarmContainer.options("itest-registry-in-container", Map.of());
    }

    private static <T> T get(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stage failed: " + e, e);
        }
    }

    private static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                ? e.getCause().getCause() : e.getCause();
        } catch (Exception e) {
            throw new AssertionError("no outcome: " + e, e);
        }
        throw new AssertionError("the stage should have failed");
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(20)).until(() -> registry.ready() && registry.nodes().size() == 1);
        // The counter type reaches the registry through the container.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .until(() -> get(registry.whereisOrRegister("warm-up", "counter", new byte[0], T)) != null);
    }

    @Test
    public void registerFindCallAndUnregisterACounter() {
        awaitReady();
        final List<String> events = new CopyOnWriteArrayList<>();
        final Subscription names = registry.addNameListener(new NameListener() {
            @Override
            public void registered(String name, WorkerRef worker) {
                events.add("+" + name);
            }

            @Override
            public void unregistered(String name, WorkerRef worker, StopReason reason) {
                events.add("-" + name + " " + reason);
            }
        });
        final WorkerRef ref = get(registry.register("counter-1", "counter", "41".getBytes(StandardCharsets.UTF_8), T));
        assertEquals(registry.self().id(), ref.node());
        assertEquals(Optional.of(ref), registry.whereis("counter-1"));
        assertEquals(ref, registry.registered().get("counter-1"));
        assertEquals("42", get(registry.call("counter-1", "inc", Codec.UTF8, T)));
        get(registry.send("counter-1", "inc 8", Codec.UTF8));
        assertEquals("50", get(registry.call("counter-1", "get", Codec.UTF8, T)));
        assertEquals("50", get(registry.call(ref, "get", Codec.UTF8, Codec.UTF8, T)));
        assertEquals(ref, get(registry.whereisOrRegister("counter-1", "counter", new byte[0], T)));
        assertEquals(Optional.of(ref), get(registry.lookup("counter-1", T)));

        final Throwable taken = failure(registry.register("counter-1", "counter", new byte[0], T));
        assertTrue(String.valueOf(taken), taken instanceof AlreadyRegisteredException);
        assertEquals(ref, ((AlreadyRegisteredException) taken).existing());

        final CompletableFuture<StopReason> end = registry.monitor(ref).toCompletableFuture();
        get(registry.unregister("counter-1", T));
        assertEquals(StopReason.UNREGISTERED, get(end));
        assertEquals(Optional.empty(), registry.whereis("counter-1"));
        assertTrue(failure(registry.call(ref, "get", Codec.UTF8, Codec.UTF8, T)) instanceof NoSuchWorkerException);
        assertTrue(failure(registry.call("counter-1", "get", Codec.UTF8, T)) instanceof NotRegisteredException);
        assertTrue(failure(registry.unregister("counter-1", T)) instanceof NotRegisteredException);
        await().atMost(T).until(() -> events.contains("+counter-1") && events.contains("-counter-1 UNREGISTERED"));
        names.close();
    }

    /** Runs one command line in a Gogo session and returns what the command returned, as text. */
    private String shell(String line) throws Exception {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (org.apache.felix.service.command.CommandSession session = commands.createSession(
                new java.io.ByteArrayInputStream(new byte[0]), out, out)) {
            return String.valueOf(session.execute(line));
        }
    }

    /** Every swarm command through the CommandProcessor, as text and with --json (one document each). */
    @Test
    public void everySwarmCommandAnswersThroughTheCommandProcessor() throws Exception {
        awaitReady();
        await().atMost(T).ignoreExceptions().until(() -> shell("swarm:nodes").contains("ring from the registry"));
        final String registered = shell("swarm:register shell-1 counter 5");
        assertTrue(registered, registered.startsWith("registered shell-1: <"));
        get(registry.join("shell-group", "shell-1"));
        final String[][] lines = {
            {"swarm:status", "Swarm node "},
            {"swarm:nodes", "1 node, 1 up; ring from the registry"},
            {"swarm:ping", "no other member to ping"},
            {"swarm:whereis shell-1", "<"},
            {"swarm:registered 'shell-*'", "1 of "},
            {"swarm:call shell-1 get", "5"},
            {"swarm:send shell-1 inc", "sent to shell-1"},
            {"swarm:groups", "shell-group"},
            {"swarm:members shell-group", "1 member in group 'shell-group'"},
            {"swarm:publish shell-group inc", "published to 1 member of shell-group"},
            {"swarm:multicall shell-group get 5000", "1 of 1 replied within 5000 ms"},
            {"swarm:handoff shell-1", "shell-1 runs on its placement already"},
            {"swarm:rebalance", "no worker of this node is moving"},
            {"swarm:workers", "counter"},
            {"swarm:deployments", ""},
        };
        for (String[] l : lines) {
            final String text = shell(l[0]);
            assertTrue(l[0] + " printed: " + text, text.contains(l[1]));
            for (String row : text.split("\n")) {
                assertTrue(l[0] + " line over 80 columns: " + row, row.length() <= 80);
            }
            final String json = shell(l[0].replaceFirst(" |$", " --json "));
            assertTrue(l[0] + " --json printed: " + json, json.startsWith("{") && json.endsWith("}")
                && !json.contains("\n") && !json.contains("\"error\""));
        }
        assertTrue(shell("swarm:call --json shell-1 get").startsWith("{\"name\":\"shell-1\",\"reply\":\""));
        assertTrue(shell("swarm:members ''").startsWith("cannot list members: group must not be empty"));
        assertTrue(shell("swarm:multicall shell-group get soon").startsWith("cannot multicall: timeoutMs must be"));
        assertTrue(shell("swarm:handoff --json nobody").startsWith("{\"error\":\"cannot hand off nobody: "
            + "NotRegisteredException"));
        assertTrue(shell("swarm:unregister shell-1").equals("unregistered shell-1"));
    }

    @Test
    public void groupsAreKeptByNameAndAnswerMulticalls() {
        awaitReady();
        for (int i = 0; i < 3; i++) {
            get(registry.register("member-" + i, "counter", Integer.toString(i * 10).getBytes(StandardCharsets.UTF_8), T));
            get(registry.join("counters", "member-" + i));
        }
        assertEquals(3, registry.members("counters").size());
        assertTrue(registry.groups().contains("counters"));
        registry.publish("counters", "inc", Codec.UTF8);
        await().atMost(T).until(() -> {
            final MulticallResult<String> r = get(registry.multicall("counters", "get", Codec.UTF8, Codec.UTF8, T));
            return r.replies().stream().sorted().toList().equals(List.of("1", "11", "21"));
        });
        final MulticallResult<String> bad = get(registry.multicall("counters", "no-such-command", Codec.UTF8, Codec.UTF8, T));
        assertEquals(0, bad.replies().size());
        assertEquals(3, bad.failures());
        get(registry.leave("counters", "member-1"));
        assertEquals(2, registry.members("counters").size());
        assertTrue(failure(registry.join("counters", "nobody")) instanceof NotRegisteredException);
    }

    @Test
    public void aLocalWorkerIsHostedHereAndAnswersLater() {
        awaitReady();
        final Worker<String, String> echo = new Worker<>() {
            @Override
            public void handleCast(String message) {
            }

            @Override
            public void handleCall(String message, Reply<String> reply) {
                // Answer from another thread, later: a deferred reply.
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> reply.reply("echo " + message));
            }
        };
        final WorkerRef ref = get(registry.registerLocal("echo", echo, Codec.UTF8, Codec.UTF8));
        assertEquals(registry.self().id(), ref.node());
        assertEquals("echo hi", get(registry.call("echo", "hi", Codec.UTF8, T)));
        assertTrue(failure(registry.registerLocal("echo", echo, Codec.UTF8, Codec.UTF8)) instanceof AlreadyRegisteredException);
    }

    @Test
    public void badInputGetsAClearErrorAndTheRegistryStaysIntact() {
        awaitReady();
        final WorkerRef ref = get(registry.register("intact", "counter", new byte[0], T));
        for (String bad : new String[] {"", "a\nb", "x".repeat(SwarmRegistry.MAX_NAME_BYTES + 1)}) {
            try {
                registry.register(bad, "counter", new byte[0], T);
                fail("accepted the name '" + bad + "'");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().startsWith("name: "));
            }
        }
        try {
            registry.call("intact", "get", Codec.UTF8, Duration.ofMillis(-1));
            fail("accepted a negative timeout");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("timeout"));
        }
        final Throwable unknown = failure(registry.register("typeless", "no-such-type", new byte[0], T));
        assertTrue(String.valueOf(unknown), unknown instanceof UnknownWorkerTypeException);
        assertTrue(unknown.getMessage(), unknown.getMessage().contains("no-such-type"));
        // Bytes that are not UTF-8 for a worker whose codec is UTF-8: that call fails, the worker lives on.
        final Throwable undecodable = failure(registry.call("intact", new byte[] {(byte) 0xff}, Codec.BYTES, T));
        assertTrue(String.valueOf(undecodable), undecodable instanceof WorkerFailedException);
        final Throwable badArgs = failure(registry.register("bad-args", "counter", "not a number".getBytes(StandardCharsets.UTF_8), T));
        assertTrue(String.valueOf(badArgs), badArgs instanceof WorkerFailedException);
        assertFalse(registry.whereis("bad-args").isPresent());
        assertEquals("1", get(registry.call("intact", "inc", Codec.UTF8, T)));
        assertEquals(Optional.of(ref), registry.whereis("intact"));
    }

    /**
     * A worker that uses the registry from its start (registers a child, joins a group) and from its
     * handlers (calls the child, answers later through its mailbox, and a call back to itself from the
     * child's side is served meanwhile): nothing deadlocks.
     */
    @Test
    public void aWorkerUsesTheRegistryFromItsStartAndItsHandlers() {
        final java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put(org.swarmosgi.api.WorkerType.WORKER_TYPE, "itest-parent");
        final org.osgi.framework.ServiceRegistration<?> type = context.registerService(
            org.swarmosgi.api.WorkerType.class.getName(), new org.swarmosgi.api.WorkerType<String, String>() {
                @Override
                public Codec<String> codec() {
                    return Codec.UTF8;
                }

                @Override
                public Codec<String> replyCodec() {
                    return Codec.UTF8;
                }

                @Override
                public Worker<String, String> create(org.swarmosgi.api.WorkerContext<String> ctx) {
                    return new Worker<>() {
                        private int calls;

                        @Override
                        public void onStart(org.swarmosgi.api.WorkerContext<String> c) {
                            c.registry().register("child-of-" + c.name(), "counter", "100".getBytes(StandardCharsets.UTF_8), T)
                                .thenCompose(child -> c.registry().join("parents", c.name()));
                        }

                        @Override
                        public void handleCast(String message) {
                        }

                        @Override
                        public void handleCall(String message, Reply<String> reply) {
                            calls++;
                            if (message.equals("count")) {
                                reply.reply(Integer.toString(calls));
                                return;
                            }
                            // Ask the child, then ourselves (served while this call waits), answer later.
                            final SwarmRegistry r = ctx.registry();
                            r.call("child-of-" + ctx.name(), "inc", Codec.UTF8, T)
                                .thenCompose(n -> r.call(ctx.name(), "count", Codec.UTF8, T).thenApply(c -> n + "/" + c))
                                .whenCompleteAsync((v, e) -> {
                                    if (e == null) {
                                        reply.reply(v);
                                    } else {
                                        reply.fail(String.valueOf(e));
                                    }
                                }, ctx.mailbox());
                        }
                    };
                }
            }, props);
        try {
            awaitReady();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> get(registry.register("parent-1", "itest-parent", new byte[0], T)) != null);
            await().atMost(T).until(() -> registry.whereis("child-of-parent-1").isPresent()
                && registry.members("parents").size() == 1);
            assertEquals("101/2", get(registry.call("parent-1", "go", Codec.UTF8, T)));
            assertEquals("102/4", get(registry.call("parent-1", "go", Codec.UTF8, T)));
        } finally {
            type.unregister();
        }
    }

    /**
     * A registry that is reconfigured (so DS starts it again) stops the workers it ran: none is left
     * running without a name, and the new registry starts empty and works.
     */
    @Test
    public void aRestartedRegistryLeavesNoWorkerBehind() throws Exception {
        awaitReady();
        final WorkerRef ref = get(registry.register("before-restart", "counter", new byte[0], T));
        final org.osgi.framework.ServiceReference<org.swarmosgi.api.host.WorkerHost> hostRef =
            context.getServiceReference(org.swarmosgi.api.host.WorkerHost.class);
        final org.swarmosgi.api.host.WorkerHost host = context.getService(hostRef);
        final org.osgi.framework.ServiceReference<org.osgi.service.cm.ConfigurationAdmin> cmRef =
            context.getServiceReference(org.osgi.service.cm.ConfigurationAdmin.class);
        final org.osgi.service.cm.Configuration config = context.getService(cmRef)
            .getConfiguration("org.swarmosgi.registry", "?");
        final java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("retry.delay.ms", 25L);
        config.update(props);
        await("the old registry's worker stops").atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                host.deliver(ref, new CastEnvelope("get"));
                return false;
            } catch (NoSuchWorkerException gone) {
                return true;
            }
        });
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            final SwarmRegistry fresh = context.getService(context.getServiceReference(SwarmRegistry.class));
            return fresh.ready() && fresh.whereis("before-restart").isEmpty()
                && get(fresh.register("after-restart", "counter", new byte[0], T)) != null;
        });
        // Deleting the configuration starts the registry once more: wait for that registry, so the next
        // test is not handed one that is stopping.
        final Object reconfigured = context.getServiceReference(SwarmRegistry.class).getProperty("service.id");
        config.delete();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            final org.osgi.framework.ServiceReference<SwarmRegistry> now = context.getServiceReference(SwarmRegistry.class);
            return !now.getProperty("service.id").equals(reconfigured) && context.getService(now).ready();
        });
    }

    /** A one-way message handed straight to the host. */
    private static final class CastEnvelope implements org.swarmosgi.api.host.Envelope {
        private final String message;

        CastEnvelope(String message) {
            this.message = message;
        }

        @Override
        public Object local() {
            return message;
        }

        @Override
        public byte[] payload() {
            return message.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean isCall() {
            return false;
        }

        @Override
        public void replyLocal(Object reply) {
        }

        @Override
        public void reply(byte[] reply) {
        }

        @Override
        public void fail(RuntimeException error) {
        }
    }
}

package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.WorkerType;
import org.swarmosgi.api.host.Envelope;
import org.swarmosgi.api.host.StartOrder;
import org.swarmosgi.api.host.WorkerHost;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.ring.HashRing;

/** The distribution's bundles in Felix: they start, the node runs, the shell answers, the ring works. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeInContainerIT {

    private static final String NAME = "itest-node-in-container";

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @Inject
    private LocalNode node;

    @Inject
    private WorkerHost host;

    @Configuration
    public Option[] config() {
        return SwarmContainer.options(NAME, Map.of());
    }

    @Test
    public void everyBundleIsActive() {
        final List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " " + state(b.getState()))
                .collect(Collectors.toList());
        assertEquals("bundles not ACTIVE", List.of(), notActive);

        final Set<String> ours = Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName)
                .filter(SwarmContainer.SWARM_BUNDLES::contains).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(SwarmContainer.SWARM_BUNDLES), ours);
    }

    @Test
    public void theNodeRunsWithItsConfiguration() {
        assertEquals(NAME, node.id().name());
        assertEquals(NAME, node.clusterName());
        assertEquals("none", node.autocluster());
        assertEquals("127.0.0.1", node.bindAddress());
    }

    @Test
    public void swarmStatusIsRegisteredAndAnswers() throws Exception {
        final ServiceReference<?>[] refs = context.getServiceReferences((String) null,
                "(&(osgi.command.scope=swarm)(osgi.command.function=status))");
        assertTrue("swarm:status is registered", refs != null && refs.length == 1);

        final String status = status(commands);

        assertTrue(status, status.startsWith("Swarm node " + NAME + " (incarnation "
                + Long.toHexString(node.id().incarnation()) + ")"));
        assertTrue(status, status.contains("  cluster      " + NAME + "\n"));
        assertTrue(status, status.contains("Ring: 1 member, "));
        assertTrue(status, status.contains("100.0%  (this node)"));
    }

    @Test
    public void theRingApiIsUsableInTheContainer() {
        final HashRing ring = HashRing.of(List.of("a", "b", "c"), 64);

        assertEquals(List.of("a", "b", "c"), ring.members());
        assertEquals(1.0, ring.share("a") + ring.share("b") + ring.share("c"), 1e-9);
        final String owner = ring.owner("some-worker");
        assertTrue(owner, ring.members().contains(owner));
        // Removing a member moves only that member's names.
        final HashRing smaller = ring.remove(owner.equals("a") ? "b" : "a");
        assertEquals(owner, smaller.owner("some-worker"));
        // The class came from the ring bundle, through its exported package.
        assertEquals("org.swarmosgi.ring",
                org.osgi.framework.FrameworkUtil.getBundle(HashRing.class).getSymbolicName());
    }

    /** The container tracks worker type services (DS whiteboard) and runs their workers on this node. */
    @Test
    public void theWorkerHostRunsWorkersOfATypeFromAService() throws Exception {
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put(WorkerType.WORKER_TYPE, "itest-echo");
        final ServiceRegistration<?> type = context.registerService(WorkerType.class.getName(),
                new WorkerType<String, String>() {
                    @Override public Codec<String> codec() { return Codec.UTF8; }
                    @Override public Codec<String> replyCodec() { return Codec.UTF8; }
                    @Override public Worker<String, String> create(WorkerContext<String> ctx) {
                        return new Worker<>() {
                            @Override public void handleCast(String message) { }
                            @Override public void handleCall(String message, Reply<String> reply) {
                                reply.reply(ctx.name() + ":" + message);
                            }
                        };
                    }
                }, props);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> host.workerTypes().containsKey("itest-echo"));
            final WorkerRef ref = host.start(new StartOrder("echo-1", "itest-echo", new byte[0], null,
                    StartReason.FIRST_START, 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(node.id(), ref.node());
            final CompletableFuture<Object> answer = new CompletableFuture<>();
            host.deliver(ref, new Envelope() {
                @Override public Object local() { return "hi"; }
                @Override public byte[] payload() { return null; }
                @Override public boolean isCall() { return true; }
                @Override public void replyLocal(Object reply) { answer.complete(reply); }
                @Override public void reply(byte[] reply) { answer.complete(reply); }
                @Override public void fail(RuntimeException error) { answer.completeExceptionally(error); }
            });
            assertEquals("echo-1:hi", answer.get(10, TimeUnit.SECONDS));
            host.stop(ref, StopReason.UNREGISTERED, 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            type.unregister();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !host.workerTypes().containsKey("itest-echo"));
    }

    /** Runs swarm:status in a Gogo session; waits (bounded) for the command to be registered. */
    static String status(CommandProcessor commands) {
        final AtomicReference<Object> result = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
                result.set(session.execute("swarm:status"));
            }
            return true;
        });
        return (String) result.get();
    }

    private static String state(int state) {
        switch (state) {
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            default: return "state " + state;
        }
    }
}

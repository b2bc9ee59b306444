package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;

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
import org.swarmosgi.api.SwarmRegistry;

/**
 * The metrics bundle in Felix with the distribution's bundles: every part's figures as MBeans
 * {@code org.swarmosgi:type=...} on the platform MBeanServer, the same figures in {@code swarm:stats},
 * health in {@code swarm:health}, and the MBeans gone when the bundle stops.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsInContainerIT {

    private static final String NAME = "itest-metrics-in-container";

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @Inject
    private SwarmRegistry registry;

    @Configuration
    public Option[] config() {
        return SwarmContainer.options(NAME, Map.of());
    }

    @Test
    public void figuresAreMBeansAndShellOutputAndTheMBeansGoWithTheBundle() throws Exception {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName transport = new ObjectName("org.swarmosgi:type=Transport");
        final ObjectName registryBean = new ObjectName("org.swarmosgi:type=Registry");
        await().atMost(Duration.ofSeconds(20)).until(() -> server.isRegistered(transport)
            && server.isRegistered(registryBean) && server.isRegistered(new ObjectName("org.swarmosgi:type=Container")));
        final long turns = (Long) server.getAttribute(transport, "duty_cycles_total");
        await().atMost(Duration.ofSeconds(10)).until(() -> (Long) server.getAttribute(transport, "duty_cycles_total") > turns);
        assertEquals(0L, server.getAttribute(transport, "dropped_total_BAD_MAC"));

        final long asked = (Long) server.getAttribute(registryBean, "register_requests_total");
        registry.register("metrics-in-container", "counter", new byte[0], Duration.ofSeconds(10)).toCompletableFuture()
            .get();
        assertEquals(asked + 1, server.getAttribute(registryBean, "register_requests_total"));

        final String stats = run("swarm:stats");
        assertTrue(stats, stats.contains("Transport\n") && stats.contains("Registry\n") && stats.contains("Container\n"));
        assertTrue(stats, stats.lines().allMatch(l -> l.length() <= 80));
        assertTrue(stats, stats.matches("(?s).*\n  register requests +" + (asked + 1) + "\n.*"));
        final String json = run("swarm:stats --json");
        assertTrue(json, json.startsWith("{\"groups\":[") && json.contains("\"name\":\"swarm_registry_register_requests_total\""));
        await().atMost(Duration.ofSeconds(10)).until(() -> run("swarm:health").contains("ready: UP"));

        final Bundle metrics = bundle("org.swarmosgi.metrics");
        metrics.stop();
        try {
            assertFalse(server.isRegistered(transport));
            assertFalse(server.isRegistered(registryBean));
        } finally {
            metrics.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.isRegistered(transport));
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private String run(String command) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
             CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            final Object result = session.execute(command);
            if (result != null) {
                print.print(session.format(result, org.apache.felix.service.command.Converter.INSPECT));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;
import org.junit.Test;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;

/**
 * Two nodes from the built distribution, scraped over HTTP as Prometheus and a Kubernetes probe would:
 * {@code /metrics} counts the messages of a registration and calls, {@code /health/ready} goes 503
 * while the registry is stopped and 200 again when it is back (and the {@code ready} file with it),
 * and the same figures are MBeans read through the node's own JMX agent (attached as JConsole does).
 */
public class MetricsClusterIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration ANSWER = Duration.ofSeconds(20);
    private static final Path WORK = Path.of("target", "itest", "MetricsClusterIT");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    public void metricsCountARegistryCallAndReadinessFollowsTheRegistryOverHttpAndJmx() throws Exception {
        try (DistributionCluster cluster = new DistributionCluster(SwarmContainer.distribution(), WORK)) {
            final int port1 = DistributionCluster.freeLoopbackPort();
            final int port2 = DistributionCluster.freeLoopbackPort();
            final DistributionNode m1 = cluster.start("metrics1", "--http-port", Integer.toString(port1));
            final DistributionNode m2 = cluster.start("metrics2", "--http-port", Integer.toString(port2));
            for (DistributionNode n : new DistributionNode[] {m1, m2}) {
                await("2 nodes on " + n.name()).atMost(START).pollInterval(Duration.ofMillis(250))
                    .until(() -> n.execute("swarm:status", START).contains("Ring: 2 members,"));
            }
            final String base1 = "http://127.0.0.1:" + port1;
            final String base2 = "http://127.0.0.1:" + port2;
            await("m1 ready").atMost(ANSWER).ignoreExceptions().until(() -> get(base1 + "/health/ready").statusCode() == 200);
            await("m2 ready").atMost(ANSWER).ignoreExceptions().until(() -> get(base2 + "/health/ready").statusCode() == 200);
            assertEquals(200, get(base1 + "/health/live").statusCode());

            // Messages are counted: a registration and calls from both nodes go through the owner.
            final HttpResponse<String> before = get(base1 + "/metrics");
            assertEquals(200, before.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", before.headers().firstValue("Content-Type").orElse(""));
            assertTrue(before.body(), before.body().contains("# TYPE swarm_transport_messages_sent_total counter\n"));
            final long sent1 = value(before.body(), "swarm_transport_messages_sent_total");
            final long sent2 = value(get(base2 + "/metrics").body(), "swarm_transport_messages_sent_total");
            final long asked = value(before.body(), "swarm_registry_register_requests_total");
            assertTrue(m1.execute("swarm:register metrics-counter counter 5", ANSWER).startsWith("registered metrics-counter"));
            assertEquals("6", m1.execute("swarm:call metrics-counter inc", ANSWER).trim());
            assertEquals("7", m2.execute("swarm:call metrics-counter inc", ANSWER).trim());
            final String after1 = get(base1 + "/metrics").body();
            final String after2 = get(base2 + "/metrics").body();
            assertEquals(asked + 1, value(after1, "swarm_registry_register_requests_total"));
            assertTrue(after1, value(after1, "swarm_transport_messages_sent_total") > sent1);
            assertTrue(after2, value(after2, "swarm_transport_messages_sent_total") > sent2);
            assertTrue(after1, value(after1, "swarm_transport_messages_received_total") > 0);
            assertEquals(0, value(after1, "swarm_transport_dropped_total{reason=\"BAD_MAC\"}"));
            assertEquals(2, value(after1, "swarm_membership_members"));

            // The same figures over JMX, from the node's own agent.
            final long jmxSent = jmxLong(m1.process().pid(), "Transport", "messages_sent_total");
            assertTrue("JMX " + jmxSent, jmxSent >= value(after1, "swarm_transport_messages_sent_total"));

            // Readiness follows the registry: 503 (saying which check failed) while it is stopped, 200 again.
            final Path readyFile = WORK.resolve("metrics1").resolve("health").resolve("ready");
            assertTrue(Files.exists(readyFile));
            final String registryBundle = bundleId(m1, "org.swarmosgi.registry");
            m1.execute("stop " + registryBundle, ANSWER);
            await("m1 not ready").atMost(ANSWER).until(() -> get(base1 + "/health/ready").statusCode() == 503);
            final HttpResponse<String> down = get(base1 + "/health/ready");
            assertTrue(down.body(), down.body().contains("{\"name\":\"registry\",\"status\":\"DOWN\",\"detail\":\"not running\"}"));
            assertEquals(200, get(base1 + "/health/live").statusCode());
            await("no ready file").atMost(ANSWER).until(() -> !Files.exists(readyFile));
            m1.execute("start " + registryBundle, ANSWER);
            await("m1 ready again").atMost(ANSWER).until(() -> get(base1 + "/health/ready").statusCode() == 200);
            await("ready file").atMost(ANSWER).until(() -> Files.exists(readyFile));
            assertTrue(m1.execute("swarm:health", ANSWER).contains("ready: UP"));
        }
    }


    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code key} (name and labels as printed) in a Prometheus text document. */
    static long value(String text, String key) {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " (-?\\d+)$").matcher(text);
        assertTrue("no sample " + key + " in:\n" + text, m.find());
        return Long.parseLong(m.group(1));
    }

    private static String bundleId(DistributionNode node, String symbolicName) {
        final Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|Active.*\\|" + Pattern.quote(symbolicName) + " ")
            .matcher(node.execute("lb -s", ANSWER));
        assertTrue("no active bundle " + symbolicName, m.find());
        return m.group(1);
    }

    /** Attaches to the node's JVM as JConsole does, starts its local JMX agent and reads one attribute. */
    private static long jmxLong(long pid, String type, String attribute) throws Exception {
        final VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            final String url = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
                final MBeanServerConnection server = connector.getMBeanServerConnection();
                return (Long) server.getAttribute(new ObjectName("org.swarmosgi:type=" + type), attribute);
            }
        } finally {
            vm.detach();
        }
    }
}

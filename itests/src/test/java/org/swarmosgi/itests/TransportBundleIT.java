package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.inject.Inject;

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
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;

/**
 * The transport lives and dies with its bundle: stopping the bundle leaves no thread, no Aeron
 * directory and no bound port behind, and starting it again brings a working transport back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportBundleIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    private BundleContext context;

    @Inject
    private LocalNode node;

    @Configuration
    public Option[] config() {
        return SwarmContainer.options("itest-transport-bundle", Map.of());
    }

    @Test
    public void stoppingTheBundleLeavesNoThreadFileOrPort() throws Exception {
        final Transport transport = await("transport service").atMost(WAIT).until(this::transport, t -> t != null);
        final int port = transport.localEndpoint().port();
        final Path aeronDir = node.workDirectory().resolve("aeron");
        assertTrue("the embedded driver's directory " + aeronDir, Files.isDirectory(aeronDir));
        assertFalse("transport threads run: " + threadNames(), transportThreads().isEmpty());

        final Bundle bundle = Arrays.stream(context.getBundles())
                .filter(b -> "org.swarmosgi.transport.aeron".equals(b.getSymbolicName())).findFirst().orElseThrow();
        bundle.stop();

        await("transport threads gone").atMost(WAIT).until(() -> transportThreads().isEmpty());
        assertFalse("the Aeron directory is removed: " + aeronDir, Files.exists(aeronDir));
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)); // free again
        }

        bundle.start();
        final Transport back = await("transport back").atMost(WAIT).until(this::transport, t -> t != null);
        assertTrue(Files.isDirectory(aeronDir));
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertTrue(back.localEndpoint().port() > 0);
    }

    private Transport transport() {
        final ServiceReference<Transport> ref = context.getServiceReference(Transport.class);
        return ref == null ? null : context.getService(ref);
    }

    private static List<String> transportThreads() {
        return threadNames().stream()
                .filter(n -> n.startsWith("swarm-transport-") || n.toLowerCase().contains("aeron"))
                .collect(Collectors.toList());
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .sorted().collect(Collectors.toList());
    }
}

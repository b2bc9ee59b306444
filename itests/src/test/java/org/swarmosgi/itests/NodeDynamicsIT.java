package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Map;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.ConfigurationAdmin;

/** The shell follows the node: configuration changes, and the node bundle stopping and starting. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeDynamicsIT {

    private static final String NAME = "itest-node-dynamics";
    private static final String STATUS_FILTER = "(&(osgi.command.scope=swarm)(osgi.command.function=status))";

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return SwarmContainer.options(NAME, Map.of());
    }

    @Test
    public void changingTheClusterNameChangesWhatStatusPrints() throws Exception {
        assertTrue(NodeInContainerIT.status(commands).contains("  cluster      " + NAME + "\n"));

        final org.osgi.service.cm.Configuration node = configAdmin.getConfiguration("org.swarmosgi.node", "?");
        final Dictionary<String, Object> properties = node.getProperties();
        properties.put("cluster.name", "renamed-cluster");
        node.update(properties);

        await().atMost(Duration.ofSeconds(10)).until(
                () -> NodeInContainerIT.status(commands).contains("  cluster      renamed-cluster\n"));
    }

    @Test
    public void statusIsWithdrawnWithTheNodeAndBackWithItsNextIncarnation() throws Exception {
        final String before = NodeInContainerIT.status(commands);
        final Bundle node = Arrays.stream(context.getBundles())
                .filter(b -> "org.swarmosgi.node".equals(b.getSymbolicName())).findFirst().orElseThrow();

        node.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> statusServices() == 0);

        node.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> statusServices() == 1);
        final String after = NodeInContainerIT.status(commands);
        assertTrue(after, after.startsWith("Swarm node " + NAME + " (incarnation "));
        assertNotEquals("a restarted node is a new incarnation", firstLine(before), firstLine(after));
        assertEquals(Bundle.ACTIVE, node.getState());
    }

    private int statusServices() throws InvalidSyntaxException {
        final Object[] refs = context.getServiceReferences((String) null, STATUS_FILTER);
        return refs == null ? 0 : refs.length;
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }
}

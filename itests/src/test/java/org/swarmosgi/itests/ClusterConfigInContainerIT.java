package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

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
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code swarm:config} through a Gogo {@code CommandProcessor} against the real ConfigAdmin, on one
 * node: set writes the configuration (keeping a key's type), a change made through ConfigurationAdmin
 * becomes the cluster's next generation without its secret key, a value that cannot be shared is
 * refused and counted while the cluster keeps its last value, unset deletes it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterConfigInContainerIT {

    private static final String NAME = "itest-cluster-config";
    private static final String PID = "org.swarmosgi.examples.itest";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    private CommandProcessor commands;

    @Inject
    private ConfigurationAdmin admin;

    @Configuration
    public Option[] config() {
        return SwarmContainer.options(NAME, Map.of());
    }

    @Test
    public void swarmConfigSetsListsAndUnsetsThroughConfigAdmin() throws Exception {
        final AtomicReference<String> set = new AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            set.set(execute("swarm:config set " + PID + " size 5"));
            return !set.get().startsWith("cannot");
        });
        assertTrue(set.get(), set.get().startsWith("set " + PID + " 1 keys: gen 1 by " + NAME));
        assertEquals("5", admin.getConfiguration(PID, "?").getProperties().get("size"));

        // Changed through ConfigAdmin, with a secret: the next generation, typed, the secret left out.
        final Dictionary<String, Object> props = new Hashtable<>();
        props.put("size", 7L);
        props.put("api.token", "only-here");
        admin.getConfiguration(PID, "?").update(props);
        await().atMost(WAIT).until(() -> execute("swarm:config --json list " + PID).contains(
                "\"generation\":2,\"origin\":\"" + NAME + "\",\"deleted\":false,\"shared\":true,\"applied\":true,"
                        + "\"props\":{\"size\":{\"type\":\"Long\",\"value\":7}}"));
        assertTrue(!execute("swarm:config --json list").contains("only-here"));

        // The shell keeps the key's type; the secret stays.
        assertTrue(execute("swarm:config set " + PID + " size 8").startsWith("set " + PID + " 1 keys: gen 3"));
        assertEquals(8L, admin.getConfiguration(PID, "?").getProperties().get("size"));
        assertEquals("only-here", admin.getConfiguration(PID, "?").getProperties().get("api.token"));
        assertTrue(execute("swarm:config set " + PID + " size eight").startsWith(
                "cannot set: 'eight' is not a Long (the key is one)"));

        // A Float cannot be shared: refused, counted, logged; the catalog keeps generation 3.
        props.put("size", 1.5f);
        admin.getConfiguration(PID, "?").update(props);
        await().atMost(WAIT).until(() -> execute("swarm:config list").contains("refused: 1 local configurations"));
        final String listed = execute("swarm:config list " + PID);
        assertTrue(listed, listed.contains(PID + "  gen 3 by " + NAME + "  differs here"));
        assertTrue(listed, listed.replace("\n  ", " ").contains("size: values of type java.lang.Float cannot be shared"));
        assertTrue(listed, listed.lines().allMatch(l -> l.length() <= 80));

        final String unset = execute("swarm:config unset " + PID);
        assertTrue(unset, unset.startsWith("deleted " + PID + ": gen 4 by " + NAME));
        assertNull(admin.listConfigurations("(service.pid=" + PID + ")"));
        assertTrue(execute("swarm:config frob").startsWith("cannot frob: unknown action 'frob'; usage: "));
        assertTrue(execute("swarm:config --json set " + PID).startsWith("{\"error\":\"cannot set: wrong number"));
    }

    private String execute(String command) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            return String.valueOf(session.execute(command));
        }
    }
}

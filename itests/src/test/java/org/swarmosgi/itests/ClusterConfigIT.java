package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.Test;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;

/**
 * Cluster-wide configuration on node JVMs from the built distribution: a PID set on one node through
 * swarm:config is applied on the other and on a node started later; a key removed and the PID deleted
 * on other nodes follow everywhere; a node restarted with its work folder applies the cluster's values
 * alone; a file dropped in a node's etc/ folder is applied everywhere but its secret key, and its
 * removal deletes the PID everywhere; a secret key and a node's own PID are refused. Three node JVMs.
 */
public class ClusterConfigIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "itest", "ClusterConfigIT");
    private static final String SECRET = "itest-clusterconfig-secret-0123456789";
    private static final String PID = "org.swarmosgi.examples.greeter";
    private static final String COLORS = "org.swarmosgi.examples.colors";

    @Test
    public void aPidSetOnOneNodeIsAppliedOnEveryNodeAndOnANodeThatJoinsLater() throws Exception {
        deleteTree(WORK); // nodes keep the catalog in their work folders: start from none
        Files.createDirectories(WORK);
        try (DistributionCluster nodes = new DistributionCluster(SwarmContainer.distribution(), WORK)) {
            final DistributionNode a = nodes.start("config-a", "--secret", SECRET);
            final DistributionNode b = nodes.start("config-b", "--secret", SECRET);
            a.execute("swarm:status", START);
            b.execute("swarm:status", START);
            awaitMembers(a, 2);

            final long t0 = System.nanoTime();
            final String set = a.execute("swarm:config set " + PID + " greeting hello", START);
            assertTrue(set, set.startsWith("set " + PID + " 1 keys: gen 1 by config-a"));
            awaitList(b, "greeting = hello (String)", "gen 1 by config-a  applied");
            System.out.printf("set on a, applied on b within %d ms (polled every 250 ms)%n",
                    (System.nanoTime() - t0) / 1_000_000);

            // c reads its own etc/ folder (a copy of the distribution's), as a node on its own machine does.
            final Path etc = WORK.resolve("config-c-etc").toAbsolutePath();
            Files.createDirectories(etc);
            try (java.util.stream.Stream<Path> files = Files.list(SwarmContainer.distribution().resolve("etc"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, etc.resolve(f.getFileName()));
                }
            }
            final DistributionNode c = nodes.start(List.of("env", "JAVA_OPTS=-XX:+UseSerialGC -Xmx256m "
                    + "-Dfelix.fileinstall.dir=" + etc), "config-c", "--secret", SECRET);
            c.execute("swarm:status", START);
            awaitList(c, "greeting = hello (String)", "gen 1 by config-a  applied");
            final String json = c.execute("swarm:config --json list " + PID, START);
            assertTrue(json, json.contains("\"pid\":\"" + PID + "\",\"generation\":1,\"origin\":\"config-a\","
                    + "\"deleted\":false,\"shared\":true,\"applied\":true,"
                    + "\"props\":{\"greeting\":{\"type\":\"String\",\"value\":\"hello\"}}"));

            final String more = c.execute("swarm:config set " + PID + " count 3", START);
            assertTrue(more, more.startsWith("set " + PID + " 2 keys: gen 2 by config-c"));
            final String unset = b.execute("swarm:config unset " + PID + " greeting", START);
            assertTrue(unset, unset.startsWith("set " + PID + " 1 keys: gen 3 by config-b"));
            for (DistributionNode n : List.of(a, b, c)) {
                awaitList(n, "count = 3 (String)", "gen 3 by config-b  applied");
                assertTrue(!n.execute("swarm:config list " + PID, START).contains("greeting"));
            }

            // A node that restarts with its work folder applies the cluster's configuration at once, alone.
            b.process().send("stop 0\n");
            assertTrue(b.process().describe(), b.process().awaitExit(Duration.ofSeconds(30)));
            final DistributionNode alone = nodes.start("config-b", "--secret", SECRET, "--autocluster", "none");
            alone.execute("swarm:status", START);
            awaitList(alone, "count = 3 (String)", "gen 3 by config-b  applied");
            alone.process().send("stop 0\n");
            assertTrue(alone.process().describe(), alone.process().awaitExit(Duration.ofSeconds(30)));
            final DistributionNode b2 = nodes.start("config-b", "--secret", SECRET);
            b2.execute("swarm:status", START);
            awaitMembers(a, 3);

            final String deleted = a.execute("swarm:config unset " + PID, START);
            assertTrue(deleted, deleted.startsWith("deleted " + PID + ": gen 4 by config-a"));
            for (DistributionNode n : List.of(a, b2, c)) {
                awaitList(n, PID + " (deleted)  gen 4 by config-a  applied");
            }

            // A file dropped in c's etc/ (FileInstall) is applied everywhere, its secret key nowhere else.
            final Path aside = WORK.resolve("colors.cfg");
            Files.writeString(aside, "color = blue\ndb.password = only-on-c\n");
            Files.move(aside, etc.resolve(COLORS + ".cfg"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            for (DistributionNode n : List.of(a, b2)) {
                awaitPid(n, COLORS, "color = blue (String)", "gen 1 by config-c  applied");
                final String listed = n.execute("swarm:config --json list", START);
                assertTrue(listed, !listed.contains("db.password") && !listed.contains("only-on-c"));
            }
            Files.delete(etc.resolve(COLORS + ".cfg")); // FileInstall deletes the configuration: everywhere
            for (DistributionNode n : List.of(a, b2)) {
                awaitPid(n, COLORS, COLORS + " (deleted)  gen 2 by config-c  applied");
            }

            final String secret = b2.execute("swarm:config set " + PID + " db.password x", START);
            assertTrue(secret, secret.startsWith("cannot set: db.password is a secret or local key"));
            final String own = b2.execute("swarm:config set org.swarmosgi.node name x", START);
            assertTrue(own, own.startsWith("cannot set: org.swarmosgi.node is not shared: it belongs to one node"));
        }
    }

    private static void awaitMembers(DistributionNode node, int n) {
        await("membership of " + n + " on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> node.execute("swarm:status", START).contains("membership   " + n + " members"));
    }

    private static void awaitList(DistributionNode node, String... lines) {
        awaitPid(node, PID, lines);
    }

    private static void awaitPid(DistributionNode node, String pid, String... lines) {
        final String[] last = {""};
        try {
            await(pid + " on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() -> {
                last[0] = node.execute("swarm:config list " + pid, START);
                for (String l : lines) {
                    if (!last[0].contains(l)) {
                        return false;
                    }
                }
                return true;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nlast swarm:config list on " + node.name() + ":\n" + last[0]
                    + "\n" + String.join("\n", node.process().errorLines()), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}

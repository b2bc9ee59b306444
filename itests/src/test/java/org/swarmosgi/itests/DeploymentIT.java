package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;

/**
 * Cluster-wide deployment, on nodes started from the built distribution: the device example deployed
 * on one node runs on every node, on a node that joins later too, and its workers are placed there;
 * a newer version dropped in deploy/ replaces it everywhere; a bundle that does not resolve fails on
 * every node and touches nothing else; removing the file undeploys it everywhere. Three node JVMs.
 */
public class DeploymentIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "itest", "DeploymentIT");
    private static final String SECRET = "itest-deployment-secret-0123456789";
    private static final String DEVICE = "org.swarmosgi.examples.device";

    @Test
    public void aBundleDeployedOnOneNodeRunsOnEveryNodeIsUpgradedAndUndeployed() throws Exception {
        final Path v1 = SwarmContainer.deviceExample();
        final Path stale = SwarmContainer.distribution().resolve("deploy").resolve("device-it.jar");
        Files.deleteIfExists(stale); // a run killed before its cleanup
        deleteTree(WORK); // nodes keep their catalog and bundles in their work folders: start from none
        Files.createDirectories(WORK);
        final Path deployDir = SwarmContainer.distribution().resolve("deploy");
        final Path dropped = deployDir.resolve("device-it.jar");
        try (DistributionCluster nodes = new DistributionCluster(SwarmContainer.distribution(), WORK)) {
            final DistributionNode a = nodes.start("deploy-a", "--secret", SECRET);
            final DistributionNode b = nodes.start("deploy-b", "--secret", SECRET);
            a.execute("swarm:status", START);
            b.execute("swarm:status", START);
            awaitMembers(a, 2);

            // Deploy on a: it runs on a and b, and b places workers of its type.
            final long t0 = System.nanoTime();
            final String deployed = a.execute("swarm:deploy " + v1, START);
            assertTrue(deployed, deployed.startsWith("deployed " + DEVICE + " "));
            final String version1 = deployed.lines().findFirst().orElseThrow().split(" ")[2];
            awaitActive(List.of(a, b), version1, "deploy-a", "deploy-b");
            System.out.printf("deployed on 2 nodes in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertTrue(b.execute("lb", START).contains("Example :: device (" + version1 + ")"));
            await("a device worker registered from b").atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
                    .until(() -> b.execute("swarm:register dev-1 device 100", START).contains("dev-1"));
            await("the device ticks").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                    .until(() -> ticks(a.execute("swarm:call dev-1 ticks", START)) >= 2);

            // A node that joins later gets the bundle before it is asked to run its workers.
            final DistributionNode c = nodes.start("deploy-c", "--secret", SECRET);
            c.execute("swarm:status", START);
            awaitActive(List.of(c), version1, "deploy-a", "deploy-b", "deploy-c");
            assertTrue(c.execute("lb", START).contains("Example :: device (" + version1 + ")"));

            // A newer version dropped in deploy/ (written aside, renamed in) replaces it on every node, one node
            // at a time: dev-1 moves off each node as it updates, handing its state on (to the new version in the end).
            final long ticksBefore = number(a, "swarm:call dev-1 ticks");
            final long movesBefore = number(a, "swarm:call dev-1 moves");
            final Path part = deployDir.resolve(".device-it.jar.part");
            Files.write(part, withVersion(Files.readAllBytes(v1), "99.0.0"));
            Files.move(part, dropped, StandardCopyOption.ATOMIC_MOVE);
            awaitActive(List.of(a, b, c), "99.0.0", "deploy-a", "deploy-b", "deploy-c");
            for (DistributionNode n : List.of(a, b, c)) {
                final String bundles = n.execute("lb", START);
                assertTrue(bundles, bundles.contains("Example :: device (99.0.0)"));
                assertFalse(bundles, bundles.contains("Example :: device (" + version1 + ")"));
            }
            final String upgraded = a.execute("swarm:deployments", START);
            assertTrue(upgraded + log(a, b, c), upgraded.contains("gen 2"));
            final long ticksAfter = number(a, "swarm:call dev-1 ticks");
            final long movesAfter = number(a, "swarm:call dev-1 moves");
            System.out.printf("rolling upgrade: dev-1 ticks %d -> %d, moves %d -> %d%n", ticksBefore, ticksAfter,
                    movesBefore, movesAfter);
            // A fresh start would count from 0 with no move: its state went through every handoff.
            assertTrue("dev-1 moved with its state: moves " + movesBefore + " -> " + movesAfter + log(a, b, c),
                    movesAfter > movesBefore);
            assertTrue("dev-1 kept its ticks: " + ticksBefore + " -> " + ticksAfter + log(a, b, c),
                    ticksAfter >= ticksBefore);

            // A node that restarts with its work folder installs its deployments from its own store, alone.
            b.process().send("stop 0\n");
            assertTrue(b.process().describe(), b.process().awaitExit(Duration.ofSeconds(30)));
            final DistributionNode alone = nodes.start("deploy-b", "--secret", SECRET, "--autocluster", "none");
            alone.execute("swarm:status", START);
            awaitActive(List.of(alone), "99.0.0", "deploy-b");
            assertTrue(alone.execute("lb", START).contains("Example :: device (99.0.0)"));
            alone.process().send("stop 0\n");
            assertTrue(alone.process().describe(), alone.process().awaitExit(Duration.ofSeconds(30)));
            final DistributionNode b2 = nodes.start("deploy-b", "--secret", SECRET);
            b2.execute("swarm:status", START);
            awaitActive(List.of(a, b2), "99.0.0", "deploy-a", "deploy-b", "deploy-c");

            // A bundle that does not resolve: FAILED on every node with the reason; the device runs on.
            final Path broken = WORK.resolve("broken.jar").toAbsolutePath();
            Files.write(broken, brokenBundle());
            final long t1 = System.nanoTime();
            final String deployBroken = b2.execute("swarm:deploy " + broken, START);
            assertTrue(deployBroken, deployBroken.startsWith("deployed org.swarmosgi.itest.broken 1.0.0"));
            await("the broken bundle fails on every node").atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
                    .until(() -> countMatches(a.execute("swarm:deployments", START), "FAILED") == 3);
            System.out.printf("a 2 MiB bundle fetched by 2 nodes and failed on 3 in %d ms%n",
                    (System.nanoTime() - t1) / 1_000_000);
            final String report = a.execute("swarm:deployments", START);
            assertTrue(report, report.contains("cannot start org.swarmosgi.itest.broken 1.0.0"));
            assertTrue(report, report.contains("org.example.missing"));
            assertEquals(report, 3, countMatches(report, "ACTIVE"));
            assertTrue(String.join("\n", c.process().errorLines()), c.process().errorLines().stream()
                    .anyMatch(l -> l.contains("cannot start org.swarmosgi.itest.broken")));
            // The new version offers the type (what becomes of dev-1 across the upgrade is the container's
            // handoff, not deployment's): a new worker of it starts and ticks.
            await("a device worker of the new version").atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
                    .until(() -> c.execute("swarm:register dev-2 device 100", START).contains("dev-2"));
            await("it ticks").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                    .until(() -> ticks(b2.execute("swarm:call dev-2 ticks", START)) >= 2);
            final String undeployBroken = c.execute("swarm:undeploy org.swarmosgi.itest.broken", START);
            assertTrue(undeployBroken, undeployBroken.startsWith("undeployed org.swarmosgi.itest.broken"));

            // Not a bundle: refused where it is given, nothing deployed.
            final Path notJar = WORK.resolve("not-a-bundle.jar").toAbsolutePath();
            Files.writeString(notJar, "hello");
            final String refused = a.execute("swarm:deploy " + notJar, START);
            assertTrue(refused, refused.startsWith("cannot deploy file:") && refused.contains("not a jar (zip) file"));

            // Removing the file undeploys it everywhere.
            Files.delete(dropped);
            await("the device bundle is gone everywhere").atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        for (DistributionNode n : List.of(a, b2, c)) {
                            if (n.execute("lb", START).contains("Example :: device")) {
                                return false;
                            }
                        }
                        return true;
                    });
            final String after = b2.execute("swarm:deployments", START);
            assertTrue(after, after.contains(DEVICE + " (undeployed, gen 3, was 99.0.0)"));
            assertEquals(after, 6, countMatches(after, "REMOVED")); // device and broken, on 3 nodes each
        } finally {
            Files.deleteIfExists(dropped); // never left for the next test's nodes
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

    /** The nodes' deployment log lines, for failure messages. */
    private static String log(DistributionNode... nodes) {
        final StringBuilder out = new StringBuilder();
        for (DistributionNode n : nodes) {
            n.process().errorLines().stream().filter(l -> l.contains("deploy") || l.contains("fetch") || l.contains("install"))
                    .forEach(l -> out.append('\n').append(n.name()).append(": ").append(l));
        }
        return out.toString();
    }

    private static void awaitMembers(DistributionNode node, int n) {
        await("membership of " + n + " on " + node.name()).atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> node.execute("swarm:status", START).contains("membership   " + n + " members"));
    }

    /** Every one of {@code nodes} reports the device at {@code version} ACTIVE on each of {@code names}. */
    private static void awaitActive(List<DistributionNode> nodes, String version, String... names) {
        for (DistributionNode node : nodes) {
            final String[] last = {""};
            try {
                await(DEVICE + " " + version + " active everywhere, as " + node.name() + " sees it").atMost(CONVERGE)
                        .pollInterval(Duration.ofMillis(250)).until(() -> {
                            final String out = node.execute("swarm:deployments", START);
                            last[0] = out;
                            final int at = out.indexOf(DEVICE + " " + version + "\n");
                            if (at < 0) {
                                return false;
                            }
                            final String block = out.substring(at);
                            for (String name : names) {
                                if (!Pattern.compile("\n  " + name + " +ACTIVE\n").matcher(block + "\n").find()) {
                                    return false;
                                }
                            }
                            return true;
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\nlast swarm:deployments on " + node.name() + ":\n" + last[0]
                        + log(node), e);
            }
        }
    }

    /** A command's numeric answer, asked again while the worker is between nodes. */
    private static long number(DistributionNode n, String command) {
        final long[] answer = {-1};
        await(command).atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> (answer[0] = ticks(n.execute(command, START))) >= 0);
        return answer[0];
    }

    private static long ticks(String reply) {
        return reply.strip().matches("\\d+") ? Long.parseLong(reply.strip()) : -1;
    }

    private static int countMatches(String text, String word) {
        final Matcher m = Pattern.compile(Pattern.quote(word)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The jar with another Bundle-Version and one more entry, so its bytes and hash differ. */
    private static byte[] withVersion(byte[] jar, String version) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            final Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream jo = new JarOutputStream(out, m)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jo.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jo);
                    jo.closeEntry();
                }
                jo.putNextEntry(new JarEntry("META-INF/upgraded.txt"));
                jo.write(version.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                jo.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** A bundle of about 2 MiB that imports a package nobody exports. */
    private static byte[] brokenBundle() throws IOException {
        final Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "org.swarmosgi.itest.broken");
        m.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        m.getMainAttributes().putValue("Import-Package", "org.example.missing;version=\"[1,2)\"");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jo = new JarOutputStream(out, m)) {
            jo.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            jo.putNextEntry(new JarEntry("padding.bin")); // 2 MiB: 32 chunks over the transport
            final byte[] noise = new byte[2 << 20];
            new java.util.Random(42).nextBytes(noise);
            jo.write(noise);
            jo.closeEntry();
        }
        return out.toByteArray();
    }
}

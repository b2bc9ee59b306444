package org.swarmosgi.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;

/**
 * The Pax Exam configuration shared by the in-container tests: Felix with the same bundles as the
 * built distribution (its {@code bundle/} folder, consoles excepted), the same start levels, and
 * FileInstall reading node configuration from a folder of this test class's own under
 * {@code target/}, so test classes never share a work folder, a cluster or a port.
 */
final class SwarmContainer {

    /** Our bundles: every one must be in the distribution and ACTIVE in the container. */
    static final Set<String> SWARM_BUNDLES = Set.of(
            "org.swarmosgi.api", "org.swarmosgi.ring", "org.swarmosgi.node", "org.swarmosgi.transport.aeron",
            "org.swarmosgi.container", "org.swarmosgi.membership.multicast", "org.swarmosgi.membership.static",
            "org.swarmosgi.membership.kubernetes", "org.swarmosgi.shell", "org.swarmosgi.codec.json",
            "org.swarmosgi.registry", "org.swarmosgi.deployment", "org.swarmosgi.clusterconfig",
            "org.swarmosgi.examples.counter", "org.swarmosgi.metrics", "org.swarmosgi.webconsole");

    /** Console bundles read stdin; a test container has no console. */
    private static final Set<String> CONSOLES = Set.of(
            "org.apache.felix.gogo.jline.jar", "jline.jar", "org.apache.felix.gogo.shell.jar");

    private SwarmContainer() {
    }

    /** The built distribution, {@code distribution/target/swarm} (set by the pom). */
    static Path distribution() {
        final Path dist = Path.of(System.getProperty("swarm.distribution", "../distribution/target/swarm"));
        if (!Files.isDirectory(dist.resolve("bundle"))) {
            throw new IllegalStateException("no built distribution at " + dist.toAbsolutePath()
                    + ": build it first (mvn install -pl distribution -am)");
        }
        return dist.toAbsolutePath().normalize();
    }

    /** The device example's built jar (not in the distribution: the itests deploy it), {@code swarm.example.device}. */
    static Path deviceExample() {
        final Path jar = Path.of(System.getProperty("swarm.example.device",
                "../bundles/examples/device/target/org.swarmosgi.examples.device-0.1.0-SNAPSHOT.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the device example is not built at " + jar.toAbsolutePath()
                    + ": build it first (mvn install -pl bundles/examples/device -am)");
        }
        return jar.toAbsolutePath().normalize();
    }

    /**
     * Options for a container named {@code name}: node name and cluster name are {@code name}, and
     * {@code config} holds further ConfigAdmin files (file name to content) for FileInstall.
     */
    static Option[] options(String name, Map<String, String> config) {
        final Path target = Path.of("target", "itest", name).toAbsolutePath();
        final Path etc = target.resolve("etc");
        try {
            deleteTree(target);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("org.swarmosgi.node.cfg"), String.join("\n",
                    "name = " + name,
                    "cluster.name = " + name,
                    "autocluster = none",
                    "work.dir = " + target.resolve("node")), StandardCharsets.UTF_8);
            Files.writeString(etc.resolve("org.swarmosgi.transport.aeron.cfg"), "port = 0\n");
            Files.writeString(etc.resolve("org.swarmosgi.deployment.cfg"), "deploy.dir = " + target.resolve("deploy") + "\n");
            for (Map.Entry<String, String> file : config.entrySet()) {
                Files.writeString(etc.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        final List<Option> options = new ArrayList<>();
        options.add(workingDirectory(target.resolve("felix").toString()));
        options.add(frameworkProperty("org.osgi.framework.bootdelegation").value("sun.*,jdk.internal.*"));
        options.add(frameworkProperty("felix.fileinstall.dir").value(etc.toString()));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        options.add(frameworkProperty("felix.fileinstall.log.level").value("2"));
        // As in the distribution's config.properties, but on any free port: containers never meet on 8181.
        options.add(frameworkProperty("org.osgi.service.http.port").value("0"));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(frameworkProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("ERROR"));
        options.add(frameworkProperty("org.ops4j.pax.logging.skipJUL").value("true"));
        options.add(frameworkStartLevel(10));
        options.add(junitBundles());
        options.add(mavenBundle("org.hamcrest", "hamcrest", System.getProperty("hamcrest.version")));
        options.add(mavenBundle("org.awaitility", "awaitility", System.getProperty("awaitility.version")));
        // As in the distribution: configuration first (FileInstall applies etc/ as it starts), then
        // DS and Gogo, then ours.
        try (Stream<Path> jars = Files.list(distribution().resolve("bundle"))) {
            jars.filter(jar -> jar.toString().endsWith(".jar"))
                    .filter(jar -> !CONSOLES.contains(jar.getFileName().toString()))
                    .sorted()
                    .forEach(jar -> options.add(distributionBundle(jar)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options.toArray(new Option[0]);
    }

    private static UrlProvisionOption distributionBundle(Path jar) {
        final String file = jar.getFileName().toString();
        final int level = file.startsWith("org.apache.felix.configadmin") ? 1
                : file.startsWith("org.apache.felix.fileinstall") ? 2
                : file.startsWith("org.swarmosgi.") ? 4 : 3;
        return bundle(jar.toUri().toString()).startLevel(level);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.container.internal.KarafTestContainerFactory;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A stock Karaf (the apache-karaf tar.gz, a Maven artifact) with only the settings features/README.md
 * tells users to make: the KAR built by features/ installed with {@code kar:install}, then
 * {@code feature:install swarm swarm-example-counter}, then the shell: {@code swarm:status} and a
 * counter registered and called, and a configuration set with {@code swarm:config}; then
 * {@code feature:install swarm-metrics}: {@code swarm:health} and {@code /metrics} over HTTP count that
 * registration; then {@code feature:install swarm-webconsole}, and the Swarm page's data answers behind the
 * Web Console's login on the same HTTP service. Runs in the Karaf container of Pax Exam (one Karaf JVM), in a failsafe
 * execution of its own (itests/pom.xml): the other in-container tests keep the native container.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@ExamFactory(KarafTestContainerFactory.class)
public class KarafFeatureIT {

    /** The boot delegation features/README.md gives for Karaf 4.4.10. */
    private static final String BOOT_DELEGATION = "com.sun.*, javax.transaction, javax.transaction.xa, javax.xml.crypto, "
            + "javax.xml.crypto.*, javax.security.cert, jdk.nashorn.*, sun.*, jdk.internal.reflect, jdk.internal.reflect.*, "
            + "org.apache.karaf.jaas.boot, org.apache.karaf.jaas.boot.principal, jdk.internal.misc";

    private static final Duration INSTALL = Duration.ofSeconds(60);

    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        final String localRepository = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        final Path node = Path.of("target", "itest", "karaf-node").toAbsolutePath();
        return options(
                karafDistributionConfiguration()
                        .frameworkUrl(maven("org.apache.karaf", "apache-karaf").type("tar.gz")
                                .version(System.getProperty("karaf.version")))
                        .unpackDirectory(new File("target/itest/karaf"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // What bin/karaf passes on Java 9 and later (Pax Exam's Karaf container does not): without them the
                // specs locator in lib/endorsed is not found and Karaf's boot features never start.
                vmOption("--add-reads=java.xml=java.logging"),
                vmOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"),
                vmOption("--patch-module"),
                vmOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + System.getProperty("karaf.version") + ".jar"),
                vmOption("--patch-module"),
                vmOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + System.getProperty("karaf.version") + ".jar"),
                vmOption("--add-opens=java.base/java.security=ALL-UNNAMED"),
                vmOption("--add-opens=java.base/java.net=ALL-UNNAMED"),
                vmOption("--add-opens=java.base/java.lang=ALL-UNNAMED"),
                vmOption("--add-opens=java.base/java.util=ALL-UNNAMED"),
                vmOption("--add-opens=java.naming/javax.naming.spi=ALL-UNNAMED"),
                vmOption("--add-opens=java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED"),
                vmOption("--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED"),
                vmOption("--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED"),
                vmOption("--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED"),
                vmOption("--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED"),
                vmOption("--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED"),
                vmOption("-classpath"),
                vmOption("lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*"),
                // What features/README.md asks of a Karaf for the Aeron transport (Agrona's Unsafe).
                vmOption("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"),
                // (etc/custom.properties overrides etc/config.properties: Karaf 4.4.10's list plus jdk.internal.misc.)
                editConfigurationFilePut("etc/custom.properties", "org.osgi.framework.bootdelegation", BOOT_DELEGATION),
                // Karaf resolves from the build's local repository first: our bundles come from the KAR, Karaf's from
                // its system/ folder, Pax Exam's own (its probe runtime) from Maven like any test dependency.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepository),
                // A single node on loopback with an ephemeral transport port.
                editConfigurationFilePut("etc/org.swarmosgi.node.cfg", "name", "karaf"),
                editConfigurationFilePut("etc/org.swarmosgi.node.cfg", "cluster.name", "karaf-itest"),
                editConfigurationFilePut("etc/org.swarmosgi.node.cfg", "autocluster", "none"),
                editConfigurationFilePut("etc/org.swarmosgi.node.cfg", "work.dir", node.toString()),
                editConfigurationFilePut("etc/org.swarmosgi.transport.aeron.cfg", "port", "0"),
                editConfigurationFilePut("etc/org.swarmosgi.deployment.cfg", "deploy.dir", node.resolveSibling("karaf-deploy").toString()),
                // The test method runs in Karaf's JVM: what it needs of the build goes there as a system property.
                systemProperty("swarm.kar").value(System.getProperty("swarm.kar")),
                mavenBundle("org.hamcrest", "hamcrest", System.getProperty("hamcrest.version")),
                mavenBundle("org.awaitility", "awaitility", System.getProperty("awaitility.version")));
    }

    @Test
    public void theSwarmFeatureInstallsFromTheKarAndRegistersAndCallsACounter() throws Exception {
        final String kar = Path.of(System.getProperty("swarm.kar")).toUri().toString();
        // Karaf registers its commands while its boot features start: wait for kar:install to exist.
        await().atMost(INSTALL).ignoreExceptions().until(() -> execute("kar:install " + kar), r -> true);
        execute("feature:install swarm swarm-example-counter");

        final String status = await().atMost(INSTALL).ignoreExceptions().until(() -> execute("swarm:status"), s -> s != null);
        assertTrue(status, status.contains("karaf"));

        // The registry starts once the node, transport and membership are up; until then commands answer "cannot ...".
        final AtomicReference<String> ref = new AtomicReference<>();
        try {
            await().atMost(INSTALL).until(() -> {
                ref.set(execute("swarm:register c1 counter"));
                return !ref.get().startsWith("cannot");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("swarm:register answered " + ref.get() + "\n" + execute("swarm:status"), e);
        }
        assertEquals("5", execute("swarm:call c1 \"inc 5\"").trim());
        assertEquals("7", execute("swarm:call c1 \"inc 2\"").trim());

        // Cluster-wide configuration (feature swarm-cluster-config): swarm:config writes through Karaf's ConfigAdmin.
        final String pid = "org.swarmosgi.examples.karaf";
        await().atMost(INSTALL).until(() -> {
            ref.set(execute("swarm:config set " + pid + " greeting hello"));
            return !ref.get().startsWith("cannot");
        });
        assertTrue(ref.get(), ref.get().startsWith("set " + pid + " 1 keys: gen 1 by "));
        final String props = execute("config:property-list --pid " + pid);
        assertTrue(props, props.contains("greeting = hello"));

        // Metrics and health in Karaf: its own Jakarta HTTP service (Karaf 4.4's are javax), on a free port here.
        final int port = freePort();
        // Both keys the feature's <config append="true"> sets: it then has nothing to add, and Jetty one configuration.
        execute("config:property-set -p org.apache.felix.http org.osgi.service.http.port " + port);
        execute("config:property-set -p org.apache.felix.http org.apache.felix.http.host 127.0.0.1");
        execute("feature:install swarm-metrics");
        await().atMost(INSTALL).ignoreExceptions().until(() -> execute("swarm:health"), h -> h.contains("ready: UP"));
        final java.net.http.HttpResponse<String> metrics;
        try {
            metrics = await().atMost(INSTALL).ignoreExceptions().until(
                () -> java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
        } catch (RuntimeException e) {
            // In one full build nothing answered on the port for 60 s (unexplained); Pax Exam deletes Karaf's folder, so
            // keep what its log says of the HTTP service for the next look.
            throw new AssertionError("no /metrics on port " + port + " within " + INSTALL + "; Karaf's log about HTTP:\n"
                + execute("log:display").lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).matches(".*(http|jetty|bind|port).*"))
                    .reduce("", (a, b) -> a + b + "\n"), e);
        }
        assertTrue(metrics.body(), metrics.body().contains("\nswarm_registry_register_requests_total 1\n"));

        // The Web Console with the Swarm page, on the same HTTP service, behind the console's login.
        execute("feature:install swarm-webconsole");
        final URL state = new URL("http://127.0.0.1:" + port + "/system/console/swarm/state.json");
        final String json = await().atMost(INSTALL).ignoreExceptions().until(() -> get(state, "admin:admin"), s -> s != null);
        assertTrue(json, json.contains("\"name\":\"karaf\""));
        assertEquals(401, ((HttpURLConnection) state.openConnection()).getResponseCode());
    }

    /** The body of a GET with HTTP Basic credentials, or null unless it answered 200. */
    private static String get(URL url, String credentials) throws java.io.IOException {
        final HttpURLConnection http = (HttpURLConnection) url.openConnection();
        http.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        try (java.io.InputStream in = http.getInputStream()) {
            return http.getResponseCode() == 200 ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs a command line in a fresh Karaf shell session as an admin (Karaf hides the commands that have an
     * ACL, kar:* and feature:* among them, from a session with no such role); its result as text.
     */
    private String execute(String command) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        final AtomicReference<Object> result = new AtomicReference<>();
        final Session session = sessions.create(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            final Subject admin = new Subject();
            admin.getPrincipals().add(new RolePrincipal("admin"));
            admin.getPrincipals().add(new RolePrincipal("manager")); // config:property-set's ACL asks for it
            admin.getPrincipals().add(new RolePrincipal("systembundles"));
            result.set(Subject.doAs(admin, (PrivilegedExceptionAction<Object>) () -> session.execute(command)));
        } catch (java.security.PrivilegedActionException e) {
            throw new IllegalStateException(command + " failed: " + e.getCause() + "\n" + out.toString(StandardCharsets.UTF_8), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(command + " failed: " + e + "\n" + out.toString(StandardCharsets.UTF_8), e);
        } finally {
            session.close();
        }
        final Object value = result.get();
        return value == null ? out.toString(StandardCharsets.UTF_8) : value.toString();
    }
}

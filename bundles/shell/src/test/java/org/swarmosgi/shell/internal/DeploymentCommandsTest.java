package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.deployment.Deployment;
import org.swarmosgi.api.deployment.Deployment.NodeState;
import org.swarmosgi.api.deployment.Deployment.State;
import org.swarmosgi.api.deployment.Deployments;

class DeploymentCommandsTest {

    private static final String SHA = "3f2a9c1b7e4d" + "0".repeat(52);
    private static final String OLD = "aaaabbbbcccc" + "1".repeat(52);

    private static final Deployment DEVICE = new Deployment("org.swarmosgi.examples.device", "0.2.0", SHA, 7946, 2,
            true, "alpha", List.of(
                    new NodeState("alpha", 2, "0.2.0", SHA, State.ACTIVE, ""),
                    new NodeState("beta-with-a-very-long-node-name-indeed-0123456789", 2, "0.2.0", SHA, State.ACTIVE, ""),
                    new NodeState("gamma", 1, "0.1.0", OLD, State.FETCHING, ""),
                    new NodeState("delta", 2, "0.2.0", SHA, State.FAILED, "cannot start org.swarmosgi.examples.device "
                            + "0.2.0: Unable to resolve org.swarmosgi.examples.device [26](R 26.0): missing requirement "
                            + "[org.swarmosgi.examples.device [26](R 26.0)] osgi.wiring.package; "
                            + "(&(osgi.wiring.package=org.example.missing)(version>=1.0.0)(!(version>=2.0.0)))")));
    private static final Deployment GONE = new Deployment("org.example.old", "1.0.0", OLD, 10, 4, false, "beta",
            List.of(new NodeState("alpha", 4, "1.0.0", OLD, State.REMOVED, "")));

    /** A Deployments service answering from fixed values, recording what it was asked. */
    private static final class FixedDeployments implements Deployments {
        final List<String> asked = new ArrayList<>();
        RuntimeException failure;

        @Override
        public CompletionStage<Deployment> deploy(URI source) {
            asked.add("deploy " + source);
            return failure != null ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(DEVICE);
        }

        @Override
        public CompletionStage<Deployment> undeploy(String symbolicName) {
            asked.add("undeploy " + symbolicName);
            return failure != null ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(GONE);
        }

        @Override
        public List<Deployment> deployments() {
            return List.of(DEVICE, GONE);
        }

        @Override
        public List<String> recentErrors() {
            return List.of("2026-11-30T12:00:00Z cannot deploy file:///tmp/x.jar: not a jar (zip) file");
        }
    }

    private final FixedDeployments service = new FixedDeployments();
    private final DeploymentCommands commands = new DeploymentCommands(service);

    @Test
    void deploymentsFitEightyColumnsAndShowEveryNode() {
        final String out = commands.deployments(false);
        assertThat(out.lines()).allMatch(l -> l.length() <= Text.WIDTH);
        assertThat(out).isEqualTo(String.join("\n",
                "org.swarmosgi.examples.device 0.2.0",
                "  sha 3f2a9c1b7e4d  7946 B  gen 2  from alpha",
                "  alpha                        ACTIVE",
                "  beta-with-a-very-long-nod... ACTIVE",
                "  gamma                        FETCHING   at gen 1: 0.1.0 aaaabbbbcccc",
                "  delta                        FAILED",
                "      cannot start org.swarmosgi.examples.device 0.2.0: Unable to resolve",
                "      org.swarmosgi.examples.device [26](R 26.0): missing requirement",
                "      [org.swarmosgi.examples.device [26](R 26.0)] osgi.wiring.package;",
                "      (&(osgi.wiring.package=org.example.missing)(version>=1.0.0)(!(version>=2.0",
                "      .0)))",
                "org.example.old (undeployed, gen 4, was 1.0.0)",
                "  alpha                        REMOVED",
                "1 deployed, 1 undeployed",
                "recent errors on this node:",
                "      2026-11-30T12:00:00Z cannot deploy file:///tmp/x.jar: not a jar (zip) file"));
    }

    @Test
    void deployTakesAPathOrAUrl() {
        assertThat(commands.deploy(false, "/tmp/device.jar")).isEqualTo(
                "deployed org.swarmosgi.examples.device 0.2.0\n"
                        + "sha 3f2a9c1b7e4d  7946 B  gen 2: every node installs it, see swarm:deployments");
        commands.deploy(false, "https://example.org/device.jar");
        commands.deploy(false, "relative.jar");
        assertThat(service.asked).containsExactly("deploy file:///tmp/device.jar", "deploy https://example.org/device.jar",
                "deploy " + java.nio.file.Path.of("relative.jar").toAbsolutePath().toUri());
    }

    @Test
    void errorsAreOneLine() {
        service.failure = new IllegalArgumentException("cannot deploy file:///x.jar: no such file: /x.jar");
        assertThat(commands.deploy(false, "/x.jar")).isEqualTo("cannot deploy file:///x.jar: no such file: /x.jar");
        service.failure = new IllegalArgumentException("cannot undeploy b: b is not deployed");
        assertThat(commands.undeploy(false, "b")).isEqualTo("cannot undeploy b: b is not deployed");
        assertThat(commands.deploy(false, " ")).isEqualTo("cannot deploy: give a bundle file or a URL");
        assertThat(commands.undeploy(false, "")).isEqualTo("cannot undeploy: symbolic name must not be empty");
        assertThat(new DeploymentCommands(null).deployments(false))
                .isEqualTo("cannot list deployments: " + DeploymentCommands.NOT_RUNNING);
        assertThat(new DeploymentCommands(null).deploy(false, "/x.jar"))
                .startsWith("cannot deploy /x.jar: the deployment service is not running");
    }

    @Test
    void undeployNamesTheGeneration() {
        assertThat(commands.undeploy(false, "org.example.old")).isEqualTo(
                "undeployed org.example.old\ngen 4: every node uninstalls it, see swarm:deployments");
    }
}

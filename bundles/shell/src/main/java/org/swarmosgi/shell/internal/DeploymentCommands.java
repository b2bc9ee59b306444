package org.swarmosgi.shell.internal;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.swarmosgi.api.deployment.Deployment;
import org.swarmosgi.api.deployment.Deployments;

/**
 * Cluster-wide deployment from the shell: {@code swarm:deploy}, {@code undeploy}, {@code deployments}.
 * Like {@link RegistryCommands}, the service reference is optional and dynamic so the commands stay
 * listed and say that the deployment bundle is not running; every wait is bounded, every failure one
 * line.
 */
@Component(
        service = DeploymentCommands.class,
        property = {"osgi.command.scope=swarm",
            "osgi.command.function=deploy", "osgi.command.function=undeploy",
            "osgi.command.function=deployments"})
public final class DeploymentCommands {

    static final String NOT_RUNNING = "the deployment service is not running (bundle org.swarmosgi.deployment)";
    /** Reading a bundle from a URL may take a while; its reads time out in the service first. */
    static final Duration DEPLOY_WAIT = Duration.ofSeconds(60);
    static final Duration UNDEPLOY_WAIT = Duration.ofSeconds(10);
    /** A URI scheme of two or more characters: one letter would be a Windows drive. */
    private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Deployments deployments;

    /** For DS. */
    public DeploymentCommands() {
    }

    /** For tests. */
    DeploymentCommands(Deployments deployments) {
        this.deployments = deployments;
    }

    @Descriptor("deploys a bundle on every node of the cluster (and on nodes that join later)")
    public String deploy(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("a bundle file (a path on this node) or a URL (file:, http:, https:)") String source) {
        final URI uri;
        try {
            uri = source(source);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("deploy", e.getMessage()));
        }
        return run(json, "deploy " + Text.fit(Text.printable(source), 60), DEPLOY_WAIT, d -> d.deploy(uri),
                d -> Text.fit("deployed " + Text.printable(d.symbolicName()) + " " + d.version(), Text.WIDTH)
                        + "\n" + Text.fit("sha " + DeploymentReport.sha(d.sha256()) + "  " + d.size() + " B  gen "
                        + d.generation() + ": every node installs it, see swarm:deployments", Text.WIDTH));
    }

    @Descriptor("uninstalls a deployed bundle from every node of the cluster")
    public String undeploy(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the bundle's symbolic name") String symbolicName) {
        try {
            ShellArgs.name("symbolic name", symbolicName);
        } catch (IllegalArgumentException e) {
            return Json.error(json, RegistryReport.refused("undeploy", e.getMessage()));
        }
        return run(json, "undeploy " + Text.fit(Text.printable(symbolicName), 60), UNDEPLOY_WAIT,
                d -> d.undeploy(symbolicName),
                d -> Text.fit("undeployed " + Text.printable(d.symbolicName()), Text.WIDTH)
                        + "\n" + Text.fit("gen " + d.generation() + ": every node uninstalls it, see swarm:deployments",
                        Text.WIDTH));
    }

    @Descriptor("lists the deployed bundles: versions, hashes and the state of each node")
    public String deployments(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        final Deployments d = deployments;
        if (d == null) {
            return Json.error(json, RegistryReport.refused("list deployments", NOT_RUNNING));
        }
        try {
            return json ? Json.write(DeploymentReport.deploymentsJson(d.deployments(), d.recentErrors()))
                    : DeploymentReport.deployments(d.deployments(), d.recentErrors());
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure("list deployments", e));
        }
    }

    /** A URL as given, or a path made absolute (relative to this node's working folder). */
    static URI source(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("give a bundle file or a URL");
        }
        if (URL.matcher(text).matches()) {
            try {
                return URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a URL: " + e.getMessage());
            }
        }
        try {
            return Path.of(text).toAbsolutePath().normalize().toUri();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + e.getMessage());
        }
    }

    private String run(boolean json, String action, Duration wait,
                       Function<Deployments, CompletionStage<Deployment>> operation, Function<Deployment, String> ok) {
        final Deployments d = deployments;
        if (d == null) {
            return Json.error(json, RegistryReport.refused(action, NOT_RUNNING));
        }
        final Deployment value;
        try {
            value = RegistryCommands.await(operation.apply(d), wait);
        } catch (ExecutionException e) {
            final Throwable cause = RegistryReport.unwrap(e);
            final String message = cause.getMessage();
            return Json.error(json, message != null && message.startsWith("cannot ") // the service's own reason
                    ? Text.fit(Text.printable(message), RegistryReport.MAX_ERROR)
                    : RegistryReport.failure(action, cause));
        } catch (TimeoutException e) {
            return Json.error(json, RegistryReport.refused(action, "no answer within " + wait.toMillis() + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.error(json, RegistryReport.refused(action, "interrupted"));
        } catch (RuntimeException e) {
            return Json.error(json, RegistryReport.failure(action, e));
        }
        return json ? Json.write(DeploymentReport.json(value)) : ok.apply(value);
    }
}

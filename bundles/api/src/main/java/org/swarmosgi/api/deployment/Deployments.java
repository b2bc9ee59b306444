package org.swarmosgi.api.deployment;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Worker bundles deployed on every node of the cluster, published as an OSGi service by the
 * deployment bundle of each node.
 *
 * <p>A deployment is one bundle symbolic name. Deploying a bundle makes every node, including those
 * that join later, fetch its bytes from a peer over the transport, check their SHA-256 and manifest,
 * install and start it; deploying another version of the same symbolic name replaces it everywhere
 * (update in place); undeploying uninstalls it everywhere. Each change carries a per-deployment
 * generation, so a late message about an older change never undoes a newer one; two changes made
 * concurrently on different nodes settle on the same winner everywhere (the higher version, then
 * the higher hash).
 */
@ProviderType
public interface Deployments {

    /**
     * Reads a bundle from {@code source} (a {@code file:} URI or a URL of an allowed scheme), checks it
     * (size limit, a bundle manifest with a symbolic name and version) and deploys it cluster-wide.
     * Completes when this node has accepted it, with the deployment as this node sees it then; the
     * other nodes follow ({@link #deployments()} shows their progress). Deploying the bytes that are
     * deployed already changes nothing and completes with the current deployment.
     *
     * @return fails with {@link IllegalArgumentException} naming what is wrong with the source or the
     *         bundle, or {@link java.io.IOException} when it cannot be read
     */
    CompletionStage<Deployment> deploy(URI source);

    /**
     * Undeploys the bundle of this symbolic name from every node. Completes when this node has
     * accepted it.
     *
     * @return fails with {@link IllegalArgumentException} when no such bundle is deployed
     */
    CompletionStage<Deployment> undeploy(String symbolicName);

    /** Every deployment this node knows of, undeployed ones too, sorted by symbolic name: a snapshot. */
    List<Deployment> deployments();

    /** The latest errors of deployments started on this node (bad files, unreadable URLs), oldest first. */
    List<String> recentErrors();
}

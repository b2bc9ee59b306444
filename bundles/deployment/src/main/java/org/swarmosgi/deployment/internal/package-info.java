/**
 * Cluster-wide deployment of worker bundles: a replicated catalog of what should run
 * ({@link org.swarmosgi.deployment.internal.DeploymentCore}, a single-threaded state machine), the bytes
 * fetched from peers in chunks and checked ({@link org.swarmosgi.deployment.internal.Fetcher},
 * {@link org.swarmosgi.deployment.internal.BlobStore}), the framework operations
 * ({@link org.swarmosgi.deployment.internal.BundleInstaller}) and the deploy folder
 * ({@link org.swarmosgi.deployment.internal.DirectoryScan}). Private: nothing here is exported.
 */
package org.swarmosgi.deployment.internal;

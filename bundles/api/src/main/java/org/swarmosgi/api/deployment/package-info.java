/**
 * Cluster-wide deployment of worker bundles: deploy a bundle on every node, undeploy it everywhere,
 * see what runs where. Implemented by {@code org.swarmosgi.deployment}; used by the shell.
 */
@Export
@Version("1.1.0")
package org.swarmosgi.api.deployment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
